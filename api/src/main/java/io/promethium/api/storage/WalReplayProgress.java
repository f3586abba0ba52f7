package io.promethium.api.storage;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * How far a storage's write-ahead log replay has come, for {@code /api/v1/status/walreplay}
 * (since 1.16). A storage registers it before it starts replaying, apart from {@link Storage},
 * whose service is only got once the replay is over: the replay can be followed while the server
 * is not ready. Thread-safe.
 */
@ConsumerType
public interface WalReplayProgress {

    /** The replay's segments now; all 0 before the replay starts, or when the storage has no WAL. */
    Segments segments();

    /**
     * Segments as Prometheus counts them.
     *
     * @param min the first segment replayed (the checkpoint's, when there is one)
     * @param max the segment the log writes to once replayed
     * @param current the last segment read; {@code max} once the replay is over
     */
    record Segments(int min, int max, int current) {
        public static final Segments NONE = new Segments(0, 0, 0);
    }
}
