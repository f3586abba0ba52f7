package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlotsTest {

    @Test
    void theFirstSlotIsAtTheTargetsPhaseWithinTheInterval() {
        // Interval 10 s, phase 3 s (hash 13,000 mod 10,000): now 100,500 → slot 103,000.
        assertThat(Slots.first(13_000, 10_000, 100_500)).isEqualTo(103_000);
        // The phase already passed in this interval: the next interval's.
        assertThat(Slots.first(13_000, 10_000, 104_000)).isEqualTo(113_000);
        // Now exactly on the phase: that slot.
        assertThat(Slots.first(13_000, 10_000, 103_000)).isEqualTo(103_000);
    }

    @Test
    void aNegativeHashStillGivesAPhaseWithinTheInterval() {
        long first = Slots.first(-7, 10_000, 100_000);
        assertThat(first).isBetween(100_000L, 110_000L);
        assertThat(Math.floorMod(first, 10_000)).isEqualTo(Math.floorMod(-7L, 10_000));
    }

    @Test
    void theNextSlotIsOneIntervalLater() {
        assertThat(Slots.after(103_000, 10_000, 104_000)).isEqualTo(113_000);
    }

    @Test
    void anOverrunSkipsTheMissedSlotsAndKeepsThePhase() {
        // The scrape of 103,000 ran until 135,500: 113,000, 123,000 and 133,000 are missed.
        assertThat(Slots.after(103_000, 10_000, 135_500)).isEqualTo(143_000);
        // Ending exactly on a slot skips it too: it has begun.
        assertThat(Slots.after(103_000, 10_000, 113_000)).isEqualTo(123_000);
    }
}
