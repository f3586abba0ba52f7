package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimestampAlignmentTest {

    private static final Duration FIFTEEN_SECONDS = Duration.ofSeconds(15);

    @Test
    void scrapesStartingWithinTheToleranceAreStoredAtTheirIntendedTime() {
        TimestampAlignment.Clock clock = TimestampAlignment.PROMETHEUS_DEFAULT.clock(FIFTEEN_SECONDS);
        assertThat(clock.timestamp(1_000)).as("the first scrape starts the schedule").isEqualTo(1_000);
        assertThat(clock.timestamp(16_001)).isEqualTo(16_000);
        assertThat(clock.timestamp(31_002)).as("2 ms late: still within the tolerance").isEqualTo(31_000);
        assertThat(clock.timestamp(46_003)).as("3 ms late: stored as it is").isEqualTo(46_003);
        assertThat(clock.timestamp(61_000)).isEqualTo(61_000);
    }

    @Test
    void aSkippedSlotMovesTheScheduleOnByWholeIntervals() {
        TimestampAlignment.Clock clock = TimestampAlignment.PROMETHEUS_DEFAULT.clock(FIFTEEN_SECONDS);
        clock.timestamp(0);
        assertThat(clock.timestamp(45_001)).as("two slots overrun").isEqualTo(45_000);
        assertThat(clock.timestamp(60_002)).isEqualTo(60_000);
    }

    @Test
    void theToleranceIsCappedAtOnePercentOfTheInterval() {
        TimestampAlignment wide = new TimestampAlignment(true, Duration.ofSeconds(1));
        TimestampAlignment.Clock clock = wide.clock(Duration.ofMillis(500));
        clock.timestamp(0);
        assertThat(clock.timestamp(505)).as("5 ms = 1% of 500 ms").isEqualTo(500);
        assertThat(clock.timestamp(1_006)).as("6 ms is beyond 1%").isEqualTo(1_006);
        TimestampAlignment.Clock slow = wide.clock(Duration.ofMinutes(5));
        slow.timestamp(0);
        assertThat(slow.timestamp(300_900)).as("the flag's 1 s below 1% of 5 m").isEqualTo(300_000);
    }

    @Test
    void adjustTimestampsFalseStoresEveryScrapeAtItsOwnTime() {
        TimestampAlignment.Clock clock = new TimestampAlignment(false, Duration.ofMillis(2)).clock(FIFTEEN_SECONDS);
        clock.timestamp(0);
        assertThat(clock.timestamp(15_001)).isEqualTo(15_001);
    }

    @Test
    void theToleranceFlagTakesGoDurationsAsPrometheus() {
        assertThat(ScrapeComponent.timestampTolerance("2ms")).isEqualTo(Duration.ofMillis(2));
        assertThat(ScrapeComponent.timestampTolerance("1.5ms")).isEqualTo(Duration.ofNanos(1_500_000));
        assertThat(ScrapeComponent.timestampTolerance("500us")).isEqualTo(Duration.ofNanos(500_000));
        assertThat(ScrapeComponent.timestampTolerance("1s500ms")).isEqualTo(Duration.ofMillis(1_500));
        assertThat(ScrapeComponent.timestampTolerance("0")).isZero();
        assertThatThrownBy(() -> ScrapeComponent.timestampTolerance("2")).hasMessageContaining("--scrape.timestamp-tolerance")
                .hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> ScrapeComponent.timestampTolerance("2d")).hasMessageContaining("invalid duration");
    }
}
