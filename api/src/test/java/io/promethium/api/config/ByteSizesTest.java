package io.promethium.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void unitsArePowersOf1024WithOrWithoutTheI() {
        assertThat(ByteSizes.parse("0")).isZero();
        assertThat(ByteSizes.parse("512MB")).isEqualTo(512L << 20);
        assertThat(ByteSizes.parse("1GiB")).isEqualTo(1L << 30);
        assertThat(ByteSizes.parse("100KB")).isEqualTo(100L << 10);
        assertThat(ByteSizes.parse("10B")).isEqualTo(10);
    }

    @Test
    void fractionsAndSequencesAddUpAsInPrometheus() {
        assertThat(ByteSizes.parse("1.5GB")).isEqualTo(3L << 29);
        assertThat(ByteSizes.parse("1GB512MB")).isEqualTo((1L << 30) + (512L << 20));
        assertThat(ByteSizes.parse(".5KB")).isEqualTo(512);
        assertThat(ByteSizes.parse("2.KB")).isEqualTo(2048);
        assertThat(ByteSizes.parse("1.5KB0.25KB")).isEqualTo(1536 + 256);
        // Exact decimals added up before the one truncation: 0.6 B + 0.4 B is 1 byte, not 0.
        assertThat(ByteSizes.parse("0.6B0.4B")).isEqualTo(1);
        assertThat(ByteSizes.parse("0.999B")).isZero();
        assertThat(ByteSizes.parse("7.999999999999999999EB")).isEqualTo(Long.MAX_VALUE - 1);
        assertThatThrownBy(() -> ByteSizes.parse("8EB")).hasMessageContaining("too large");
    }

    @Test
    void aNumberWithTwoPointsOrOnlyAPointIsNotASize() {
        assertThatThrownBy(() -> ByteSizes.parse("1.2.3MB")).hasMessageContaining("invalid size \"1.2.3MB\"");
        assertThatThrownBy(() -> ByteSizes.parse(".MB")).hasMessageContaining("invalid size \".MB\"");
    }

    @Test
    void aNumberWithoutAUnitIsAnErrorAsInPrometheus() {
        assertThatThrownBy(() -> ByteSizes.parse("100")).hasMessageContaining("\"100\" has no unit");
    }

    @Test
    void unitsAreCaseSensitiveAsInPrometheus() {
        assertThatThrownBy(() -> ByteSizes.parse("100kb")).hasMessageContaining("unknown size unit \"kb\"");
        assertThatThrownBy(() -> ByteSizes.parse("100 KB")).hasMessageContaining("unknown size unit \" KB\"");
    }

    @Test
    void garbageUnknownUnitsAndOverflowNameTheText() {
        assertThatThrownBy(() -> ByteSizes.parse("MB")).hasMessageContaining("\"MB\"");
        assertThatThrownBy(() -> ByteSizes.parse("5 parsecs")).hasMessageContaining("5 parsecs");
        assertThatThrownBy(() -> ByteSizes.parse("99999999999EB")).hasMessageContaining("too large");
        assertThatThrownBy(() -> ByteSizes.parse("")).hasMessageContaining("invalid size");
    }
}
