package io.promethium.tsdb.internal.head;

import io.promethium.chunks.Chunks;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a series' writes update or use beside the series, the same for every series of one head:
 * the float samples a chunk holds, the head's count of chunks, the ref table where a series
 * publishes its newest time and oldest-time bound ({@link SeriesRefs}), and each writing thread's
 * {@link Chunks}, which re-encodes a float chunk as it closes (with buffers it reuses, so one per
 * thread). Passed to each write rather than referenced from each series: a head holds millions of
 * series, and without a reference of its own a series is 88 bytes instead of 96.
 */
record SeriesWrites(int samplesPerChunk, LongAdder chunks, SeriesRefs refs, ThreadLocal<Chunks> recoders) {
    SeriesWrites(int samplesPerChunk, LongAdder chunks, SeriesRefs refs) {
        this(samplesPerChunk, chunks, refs, ThreadLocal.withInitial(Chunks::new));
    }

    /** The calling thread's {@link Chunks}. */
    Chunks recoder() {
        return recoders.get();
    }
}
