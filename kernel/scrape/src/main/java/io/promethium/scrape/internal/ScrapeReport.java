package io.promethium.scrape.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StorageException;
import java.util.Arrays;

/**
 * The report series of one target ({@code up}, {@code scrape_duration_seconds}, ...), as
 * Prometheus's scrape loop reports each scrape: their label sets made once, their storage
 * references and values kept in arrays reused by every scrape.
 */
final class ScrapeReport {

    static final String[] NAMES = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
        "scrape_samples_post_metric_relabeling", "scrape_series_added",
        // extra_scrape_metrics only:
        "scrape_timeout_seconds", "scrape_sample_limit", "scrape_body_size_bytes"};
    /** How many of {@link #NAMES} every scrape reports; the rest with extra_scrape_metrics. */
    static final int BASIC = 5;

    private final LoopSettings settings;
    private final ScrapeMetrics metrics;
    private final Labels[] labels;
    private final long[] refs;
    private final double[] values;

    /** {@code handedOver}: the references of a replaced loop's report series, or null. */
    ScrapeReport(Labels targetLabels, LoopSettings settings, ScrapeMetrics metrics, long[] handedOver) {
        this.settings = settings;
        this.metrics = metrics;
        int reports = settings.extraMetrics() ? NAMES.length : BASIC;
        this.labels = new Labels[reports];
        this.values = new double[reports];
        for (int i = 0; i < reports; i++) {
            labels[i] = targetLabels.toBuilder().set(Labels.METRIC_NAME, NAMES[i]).build();
        }
        // extra_scrape_metrics may have changed: the refs of the series kept carry over.
        this.refs = handedOver == null ? new long[reports]
                : handedOver.length == reports ? handedOver : Arrays.copyOf(handedOver, reports);
    }

    /** The storage references, for a replacement loop. */
    long[] refs() {
        return refs;
    }

    /**
     * Appends one scrape's report: counts[0] samples scraped, [1] post relabeling, [2] series
     * added; {@code bodyBytes} -1 when over body_size_limit, 0 when not fetched. A refused
     * sample is counted and the others are still appended.
     */
    void append(Appender app, long timestamp, double up, double durationSeconds, int[] counts, long bodyBytes) {
        double[] v = values;
        v[0] = up;
        v[1] = durationSeconds;
        v[2] = counts[0];
        v[3] = counts[1];
        v[4] = counts[2];
        if (v.length > BASIC) {
            v[5] = settings.timeout().toNanos() / 1e9;
            v[6] = settings.limits().sampleLimit();
            v[7] = bodyBytes;
        }
        for (int i = 0; i < v.length; i++) {
            write(app, i, timestamp, v[i]);
        }
    }

    /** Ends the report series: a staleness marker on each. */
    void appendStale(Appender app, long timestamp) {
        for (int i = 0; i < labels.length; i++) {
            write(app, i, timestamp, StaleMarker.STALE_NAN);
        }
    }

    private void write(Appender app, int i, long timestamp, double value) {
        try {
            refs[i] = app.append(refs[i], labels[i], timestamp, value);
        } catch (StorageException e) {
            metrics.rejected(e.reason());
        }
    }
}
