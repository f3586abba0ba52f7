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
        assertThat(ByteSizes.parse("100 kb")).isEqualTo(100L << 10);
    }

    @Test
    void garbageUnknownUnitsAndOverflowNameTheText() {
        assertThatThrownBy(() -> ByteSizes.parse("MB")).hasMessageContaining("\"MB\"");
        assertThatThrownBy(() -> ByteSizes.parse("5 parsecs")).hasMessageContaining("5 parsecs");
        assertThatThrownBy(() -> ByteSizes.parse("99999999999EB")).hasMessageContaining("too large");
    }
}
