package io.promethium.exposition.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EiselLemireTest {

    @Test
    void decidesNearlyEveryManyDigitDecimalAsTheJdkRoundsIt() {
        SplittableRandom random = new SplittableRandom(3);
        int decided = 0;
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            long mantissa = random.nextLong(1, 1_000_000_000_000_000_000L);
            int exponent = random.nextInt(-300, 290);
            double v = EiselLemire.toDouble(mantissa, exponent);
            if (Double.isNaN(v)) {
                continue;
            }
            decided++;
            String text = mantissa + "e" + exponent;
            assertThat(Double.doubleToRawLongBits(v)).as(text).isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
        }
        assertThat(decided).isGreaterThan(n * 99 / 100);
    }

    @Test
    void leavesExactHalfwayCasesToTheExactParser() {
        // 2^53 + 1 lies exactly between two doubles.
        assertThat(EiselLemire.toDouble(9_007_199_254_740_993L, 0)).isNaN();
    }

    @Test
    void leavesSubnormalAndInfiniteResultsAndOutOfRangeExponentsToTheExactParser() {
        assertThat(EiselLemire.toDouble(24_703_282_292_062_328L, -340)).isNaN();
        assertThat(EiselLemire.toDouble(2, 308)).isNaN();
        assertThat(EiselLemire.toDouble(1, -349)).isNaN();
        assertThat(EiselLemire.toDouble(1, 348)).isNaN();
    }

    @Test
    void matchesTheJdkAtTheEndsOfTheNormalRange() {
        assertThat(EiselLemire.toDouble(17_976_931_348_623_157L, 292)).isEqualTo(Double.MAX_VALUE);
        assertThat(EiselLemire.toDouble(22_250_738_585_072_014L, -324)).isEqualTo(Double.MIN_NORMAL);
        assertThat(EiselLemire.toDouble(1, 0)).isEqualTo(1.0);
    }
}
