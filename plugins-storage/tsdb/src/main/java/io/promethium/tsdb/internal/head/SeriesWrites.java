package io.promethium.tsdb.internal.head;

import java.util.concurrent.atomic.LongAdder;

/**
 * What a series' writes update beside the series, the same for every series of one head: the
 * float samples a chunk holds, the head's count of chunks, and the ref table where a series
 * publishes its newest time and oldest-time bound ({@link SeriesRefs}). Passed to each write
 * rather than referenced from each series: a head holds millions of series, and without a
 * reference of its own a series is 88 bytes instead of 96.
 */
record SeriesWrites(int samplesPerChunk, LongAdder chunks, SeriesRefs refs) {
}
