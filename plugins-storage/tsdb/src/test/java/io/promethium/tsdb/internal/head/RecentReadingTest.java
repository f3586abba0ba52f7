package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RecentReadingTest {
    private long now;
    private final AtomicInteger reads = new AtomicInteger();

    /** A reading that takes 10 ms of the fake clock and answers how many readings were taken. */
    private final RecentReading<Integer> reading = new RecentReading<>(() -> {
        now += 10_000_000;
        return reads.incrementAndGet();
    }, () -> now);

    @Test
    void aReadingIsReusedUntilAHundredTimesItsCostHasPassed() {
        assertThat(reading.get()).isEqualTo(1);
        now += 999_000_000;
        assertThat(reading.get()).as("0.999 s after a 10 ms reading").isEqualTo(1);
        now += 1_000_000;
        assertThat(reading.get()).as("1 s after it").isEqualTo(2);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aCheapReadingIsTakenAgainEachTime() {
        RecentReading<Integer> free = new RecentReading<>(reads::incrementAndGet, () -> now);
        assertThat(free.get()).isEqualTo(1);
        assertThat(free.get()).isEqualTo(2);
    }
}
