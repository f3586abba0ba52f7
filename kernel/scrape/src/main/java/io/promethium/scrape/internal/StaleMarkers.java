package io.promethium.scrape.internal;

import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StorageException;

/**
 * Writes a staleness marker for each series the {@link SeriesCache} finds gone from the page,
 * into the batch in progress. One per loop, reused by every scrape: the cache calls it back
 * for each vanished series, so no callback object is made per scrape.
 */
final class StaleMarkers implements SeriesCache.Vanished {

    private final boolean trackTimestampsStaleness;
    private final ScrapeMetrics metrics;
    private Appender batch;
    private long timestamp;

    StaleMarkers(boolean trackTimestampsStaleness, ScrapeMetrics metrics) {
        this.trackTimestampsStaleness = trackTimestampsStaleness;
        this.metrics = metrics;
    }

    /** The batch the markers go to from now on, at {@code timestamp} (ms). */
    void into(Appender batch, long timestamp) {
        this.batch = batch;
        this.timestamp = timestamp;
    }

    /** The batch is committed or dropped: no marker goes anywhere until the next {@link #into}. */
    void done() {
        batch = null;
    }

    /**
     * A series dropped by relabeling has no labels and no marker; one whose samples carried their
     * own timestamps is marked only with {@code track_timestamps_staleness}, as in Prometheus.
     */
    @Override
    public void vanished(SeriesCache.Entry e) {
        if (e.labels == null || (e.explicitTimestamp() && !trackTimestampsStaleness)) {
            return;
        }
        try {
            e.ref = batch.append(e.ref, e.labels, timestamp, StaleMarker.STALE_NAN);
        } catch (StorageException ex) {
            metrics.rejected(ex.reason());
        }
    }
}
