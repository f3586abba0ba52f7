package io.promethium.web.internal.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromJsonTimestampTest {

    @Test
    void timestampsAreSecondsWithThreeMillisecondDigits() {
        assertThat(ts(0)).isEqualTo("0");
        assertThat(ts(1500)).isEqualTo("1.500");
        assertThat(ts(1005)).isEqualTo("1.005");
        assertThat(ts(1_700_000_000_123L)).isEqualTo("1700000000.123");
        assertThat(ts(-1500)).isEqualTo("-1.500");
    }

    private static String ts(long t) {
        StringBuilder sb = new StringBuilder();
        PromJson.appendTimestamp(sb, t);
        return sb.toString();
    }
}
