package io.promethium.goformat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Expected values are Go's {@code time.ParseDuration}. */
class GoDurationsTest {

    @Test
    void parsesDecimalsOfEveryUnit() {
        assertThat(GoDurations.parse("1.5ms")).isEqualTo(Duration.ofNanos(1_500_000));
        assertThat(GoDurations.parse("500us")).isEqualTo(Duration.ofNanos(500_000));
        assertThat(GoDurations.parse("500µs")).isEqualTo(Duration.ofNanos(500_000));
        assertThat(GoDurations.parse("1h2m3.5s")).isEqualTo(Duration.ofMillis(3_723_500));
        assertThat(GoDurations.parse(".5s")).isEqualTo(Duration.ofMillis(500));
        assertThat(GoDurations.parse("-2ns")).isEqualTo(Duration.ofNanos(-2));
        assertThat(GoDurations.parse("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void refusesWhatGoRefuses() {
        for (String bad : new String[] {"", "s", "3000000h", "-.s"}) {
            assertThatThrownBy(() -> GoDurations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("time: invalid duration \"" + bad + "\"");
        }
        assertThatThrownBy(() -> GoDurations.parse("1")).hasMessage("time: missing unit in duration \"1\"");
        assertThatThrownBy(() -> GoDurations.parse("1.s5")).hasMessage("time: missing unit in duration \"1.s5\"");
        assertThatThrownBy(() -> GoDurations.parse("1d")).hasMessage("time: unknown unit \"d\" in duration \"1d\"");
        assertThatThrownBy(() -> GoDurations.parse("2h3x4m")).hasMessage("time: unknown unit \"x\" in duration \"2h3x4m\"");
    }

    @Test
    void formatsAsGoPrintsATimeDuration() {
        assertThat(GoDurations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(GoDurations.format(Duration.ofNanos(2))).isEqualTo("2ns");
        assertThat(GoDurations.format(Duration.ofNanos(500_000))).isEqualTo("500µs");
        assertThat(GoDurations.format(Duration.ofNanos(1_500_000))).isEqualTo("1.5ms");
        assertThat(GoDurations.format(Duration.ofNanos(1_000_001))).isEqualTo("1.000001ms");
        assertThat(GoDurations.format(Duration.ofMillis(3_723_500))).isEqualTo("1h2m3.5s");
        assertThat(GoDurations.format(Duration.ofHours(1))).isEqualTo("1h0m0s");
        assertThat(GoDurations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(GoDurations.format(Duration.ofSeconds(-90))).isEqualTo("-1m30s");
        assertThat(GoDurations.format(Duration.ofNanos(Long.MIN_VALUE))).isEqualTo("-2562047h47m16.854775808s");
        assertThat(GoDurations.format(Duration.ofNanos(1_000_000_001))).isEqualTo("1.000000001s");
    }
}
