package io.promethium.tsdb.internal.start;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StartTimesTest {

    @Test
    void aCumulativeCounterCostsOneChangePointPerReset() {
        StartTimes st = new StartTimes();
        for (long t = 1000; t <= 100_000; t += 1000) {
            st.record(t, t < 50_000 ? 500 : 49_500);
        }
        assertThat(st.size()).isEqualTo(2);
        assertThat(st.valueAt(10_000)).isEqualTo(500);
        assertThat(st.valueAt(60_000)).isEqualTo(49_500);
        assertThat(st.valueAt(999)).isZero();
    }

    @Test
    void anOutOfOrderSampleWithAnotherStartChangesOnlyItsOwnTime() {
        StartTimes st = new StartTimes();
        st.record(1000, 10);
        st.record(3000, 10);
        st.record(2000, 1500);
        assertThat(st.valueAt(1000)).isEqualTo(10);
        assertThat(st.valueAt(2000)).isEqualTo(1500);
        assertThat(st.valueAt(2001)).isEqualTo(10);
        assertThat(st.valueAt(3000)).isEqualTo(10);
        st.record(2000, 10);
        assertThat(st.valueAt(2000)).isEqualTo(10);
    }

    @Test
    void aSampleWithoutAStartAfterOnesWithEndsTheRun() {
        StartTimes st = new StartTimes();
        st.record(1000, 10);
        st.record(2000, 0);
        st.record(3000, 2500);
        assertThat(st.valueAt(2000)).isZero();
        assertThat(st.valueAt(3000)).isEqualTo(2500);
    }

    @Test
    void truncationKeepsTheStartInForceAtTheCut() {
        StartTimes st = new StartTimes();
        st.record(1000, 10);
        st.record(5000, 4500);
        st.record(9000, 8500);
        assertThat(st.truncateBefore(6000)).isFalse();
        assertThat(st.valueAt(6000)).isEqualTo(4500);
        assertThat(st.valueAt(9000)).isEqualTo(8500);
        assertThat(st.size()).isEqualTo(2);
    }

    @Test
    void changePointsRoundTripThroughTheirEncodingAndMalformedBytesAreRefused() {
        StartTimes.Points.Builder b = new StartTimes.Points.Builder();
        b.add(1000, 500);
        b.add(2000, 500);
        b.add(3000, 0);
        b.add(4000, 3999);
        StartTimes.Points p = b.build();
        byte[] bytes = p.encode();
        StartTimes.Points back = StartTimes.Points.decode(bytes, 0, bytes.length);
        assertThat(back.at()).containsExactly(1000, 3000, 4000);
        assertThat(back.st()).containsExactly(500, 0, 3999);
        assertThatThrownBy(() -> StartTimes.Points.decode(bytes, 0, bytes.length - 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
