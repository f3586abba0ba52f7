package io.promethium.api.storage;

import java.util.List;
import java.util.Objects;

/**
 * A block a storage has loaded, as Prometheus's {@code /api/v1/status/tsdb/blocks} lists it: the
 * fields of its {@code meta.json} (since 1.16).
 *
 * @param ulid the block's id
 * @param minTime its first timestamp (ms, inclusive)
 * @param maxTime its end (ms, exclusive)
 * @param numSamples samples in it (for a downsampled block: aggregate samples)
 * @param numSeries series in it
 * @param numChunks chunks in it
 * @param numTombstones deletion intervals recorded against it
 * @param level its compaction level (1: cut from the head)
 * @param sources the ids of the level-1 blocks it was made from
 * @param version its {@code meta.json} format version
 * @param resolutionMillis 0 for raw data; else the window of a downsampled block (Prometheus has none)
 */
public record StoredBlock(String ulid, long minTime, long maxTime, long numSamples, long numSeries, long numChunks,
                          long numTombstones, int level, List<String> sources, int version, long resolutionMillis) {

    public StoredBlock {
        Objects.requireNonNull(ulid, "ulid is null");
        sources = List.copyOf(sources);
        if (resolutionMillis < 0) {
            throw new IllegalArgumentException("negative resolution " + resolutionMillis);
        }
    }
}
