package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.goformat.GoDurations;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimestampAlignmentTest {

    private static final Duration FIFTEEN_SECONDS = Duration.ofSeconds(15);

    @Test
    void scrapesStartingWithinTheToleranceAreStoredAtTheirIntendedTime() {
        TimestampAlignment a = TimestampAlignment.PROMETHEUS_DEFAULT;
        long tolerance = a.toleranceNanos(FIFTEEN_SECONDS);
        assertThat(tolerance).isEqualTo(2_000_000);
        assertThat(a.timestamp(15_000, 15_000, tolerance)).isEqualTo(15_000);
        assertThat(a.timestamp(30_000, 30_001, tolerance)).isEqualTo(30_000);
        assertThat(a.timestamp(45_000, 45_002, tolerance)).as("2 ms late: still within the tolerance").isEqualTo(45_000);
        assertThat(a.timestamp(60_000, 60_003, tolerance)).as("3 ms late: stored as it is").isEqualTo(60_003);
        assertThat(a.timestamp(75_000, 74_999, tolerance)).as("never moved forward").isEqualTo(74_999);
    }

    @Test
    void theToleranceIsCappedAtOnePercentOfTheInterval() {
        TimestampAlignment wide = new TimestampAlignment(true, Duration.ofSeconds(1));
        long tolerance = wide.toleranceNanos(Duration.ofMillis(500));
        assertThat(wide.timestamp(500, 505, tolerance)).as("5 ms = 1% of 500 ms").isEqualTo(500);
        assertThat(wide.timestamp(1_000, 1_006, tolerance)).as("6 ms is beyond 1%").isEqualTo(1_006);
        long slow = wide.toleranceNanos(Duration.ofMinutes(5));
        assertThat(wide.timestamp(300_000, 300_900, slow)).as("the flag's 1 s below 1% of 5 m").isEqualTo(300_000);
    }

    @Test
    void adjustTimestampsFalseStoresEveryScrapeAtItsOwnTime() {
        TimestampAlignment off = new TimestampAlignment(false, Duration.ofMillis(2));
        assertThat(off.timestamp(15_000, 15_001, off.toleranceNanos(FIFTEEN_SECONDS))).isEqualTo(15_001);
    }

    @Test
    void theToleranceFlagTakesGoDurationsAsPrometheus() {
        assertThat(ScrapeComponent.timestampTolerance("2ms")).isEqualTo(Duration.ofMillis(2));
        assertThat(ScrapeComponent.timestampTolerance("1.5ms")).isEqualTo(Duration.ofNanos(1_500_000));
        assertThat(ScrapeComponent.timestampTolerance("500us")).isEqualTo(Duration.ofNanos(500_000));
        assertThat(ScrapeComponent.timestampTolerance("1s500ms")).isEqualTo(Duration.ofMillis(1_500));
        assertThat(ScrapeComponent.timestampTolerance("0")).isZero();
        assertThat(ScrapeComponent.timestampTolerance(".5us1.25ns")).isEqualTo(Duration.ofNanos(501));
        assertThat(ScrapeComponent.timestampTolerance("1.ms")).isEqualTo(Duration.ofMillis(1));
        assertThatThrownBy(() -> ScrapeComponent.timestampTolerance("3000000h")).hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> ScrapeComponent.timestampTolerance("2")).hasMessageContaining("--scrape.timestamp-tolerance")
                .hasMessageContaining("time: missing unit in duration \"2\"");
        assertThatThrownBy(() -> ScrapeComponent.timestampTolerance("2d")).hasMessageContaining("time: unknown unit \"d\" in duration \"2d\"");
    }
}
