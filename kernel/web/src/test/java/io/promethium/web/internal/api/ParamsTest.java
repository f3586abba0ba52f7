package io.promethium.web.internal.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ParamsTest {

    @Test
    void timesParseAsUnixSecondsOrRfc3339() {
        assertThat(Params.parseTime("1")).isEqualTo(1000);
        assertThat(Params.parseTime("1.5")).isEqualTo(1500);
        assertThat(Params.parseTime("1.0006")).isEqualTo(1001);
        assertThat(Params.parseTime("-1.5")).isEqualTo(-1500);
        assertThat(Params.parseTime("1e3")).isEqualTo(1_000_000);
        assertThat(Params.parseTime("2015-07-01T20:10:51.781Z")).isEqualTo(1435781451781L);
        assertThat(Params.parseTime("2015-07-01T22:10:51.781+02:00")).isEqualTo(1435781451781L);
        assertThat(Params.parseTime("-292273086-05-16T16:47:06Z")).isEqualTo(Params.MIN_TIME);
    }

    @Test
    void badTimesNameTheInput() {
        assertThatThrownBy(() -> Params.parseTime("yesterday")).hasMessage("cannot parse \"yesterday\" to a valid timestamp");
        assertThatThrownBy(() -> Params.parseTime("")).hasMessage("cannot parse \"\" to a valid timestamp");
        assertThatThrownBy(() -> Params.parseTime("1e300")).hasMessage("cannot parse \"1e300\" to a valid timestamp");
    }

    @Test
    void durationsParseAsSecondsOrPrometheusDurations() {
        assertThat(Params.parseDuration("15")).isEqualTo(15_000);
        assertThat(Params.parseDuration("0.5")).isEqualTo(500);
        assertThat(Params.parseDuration("1m30s")).isEqualTo(90_000);
        assertThat(Params.parseDuration("100ms")).isEqualTo(100);
        assertThatThrownBy(() -> Params.parseDuration("1x")).hasMessage("cannot parse \"1x\" to a valid duration");
        assertThatThrownBy(() -> Params.parseDuration("1e30")).hasMessageContaining("overflows int64");
    }
}
