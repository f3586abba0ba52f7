package io.promethium.promql.engine.internal.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SeriesParallelTest {

    @Test
    void theClockIsReadAfterTheFirstSeriesOnAndOffThenEvery64() {
        List<Integer> checked = new ArrayList<>();
        IntStream.range(0, 300).filter(SeriesParallel::timeToCheck).forEach(checked::add);
        assertThat(checked).containsExactly(0, 1, 3, 7, 15, 31, 63, 127, 191, 255);
    }
}
