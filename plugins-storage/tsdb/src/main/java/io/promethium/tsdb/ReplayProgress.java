package io.promethium.tsdb;

import io.promethium.api.storage.WalReplayProgress;
import io.promethium.tsdb.internal.wal.WalReplay;

/**
 * Where a {@link Tsdb}'s WAL replay stands, in segments as Prometheus counts them for
 * {@code /api/v1/status/walreplay}: {@code min} the checkpoint's segment (the first segment
 * without one), {@code max} the segment the WAL writes to once replayed, {@code current} the last
 * one read, {@code max} when the replay is over. All 0 until a replay starts, and with the WAL
 * off. Made before {@link Tsdb#open(TsdbOptions, ReplayProgress) open}, so it can be read while
 * the replay runs. Thread-safe: one replay writes it, anyone reads it.
 */
public final class ReplayProgress implements WalReplayProgress {

    private volatile Segments segments = Segments.NONE;

    @Override
    public Segments segments() {
        return segments;
    }

    /** What the replay reports, written into this. */
    WalReplay.Progress writer() {
        return new WalReplay.Progress() {
            @Override
            public void started(int min, int max) {
                segments = new Segments(min, max, min);
            }

            @Override
            public void read(int segment) {
                Segments s = segments;
                segments = new Segments(s.min(), s.max(), segment);
            }
        };
    }

    /**
     * The replay is over and the writer opens {@code segment}: it is both {@code max} and
     * {@code current}, as Prometheus's replay ends by reading the empty segment its log opened
     * (a truncation at a torn record may have deleted the segments after it).
     */
    void finished(int segment) {
        segments = new Segments(segments.min(), segment, segment);
    }
}
