package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.tsdb.internal.chunk.Chunks;
import org.junit.jupiter.api.Test;

class MemSeriesTest {

    private static void fillChunk(MemSeries s, int chunk) {
        for (int i = 0; i < Chunks.SAMPLES_PER_CHUNK; i++) {
            long t = (long) (chunk * Chunks.SAMPLES_PER_CHUNK + i) * 15_000 + (i % 3);
            assertThat(s.append(t, i * 1.25 + (i % 7) * 0.01, Long.MAX_VALUE, Long.MIN_VALUE)).isEqualTo(MemSeries.OK);
        }
    }

    @Test
    void aChunkLikeThePreviousOneIsAllocatedOnceAtItsFinalSize() {
        MemSeries s = new MemSeries(1, Labels.of("__name__", "x"));
        fillChunk(s, 0);
        long closed = s.chunkBytes();
        s.append(Chunks.SAMPLES_PER_CHUNK * 15_000L, 0, Long.MAX_VALUE, Long.MIN_VALUE);
        long afterFirstSample = s.chunkBytes();
        assertThat(afterFirstSample - closed).as("open chunk buffer").isGreaterThan(closed);
        for (int i = 1; i < Chunks.SAMPLES_PER_CHUNK - 1; i++) {
            long t = (long) (Chunks.SAMPLES_PER_CHUNK + i) * 15_000 + (i % 3);
            s.append(t, i * 1.25 + (i % 7) * 0.01, Long.MAX_VALUE, Long.MIN_VALUE);
        }
        assertThat(s.chunkBytes()).as("never regrown").isEqualTo(afterFirstSample);
        assertThat(s.chunkCount()).isEqualTo(2);
    }
}
