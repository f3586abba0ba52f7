package io.promethium.otlp;

import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StorageException;
import java.util.List;

/**
 * The storage side of a translation: samples, histograms, their metadata and exemplars appended
 * on one {@link Appender}, with Prometheus's rules: a point more than 10 minutes ahead is refused,
 * a start timestamp (with {@code created-timestamp-zero-ingestion}) is stored with its point after
 * a zero sample at it, and a refused exemplar is skipped. Counts what was appended. Not
 * thread-safe: one per request.
 */
final class SampleWriter {

    private static final long MAX_AHEAD_MILLIS = 10 * 60 * 1000L;

    /** Storage refusals that end one metric's translation, as Prometheus's appender errors do. */
    static final class Rejected extends Exception {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    private final Appender appender;
    private final boolean ingestStartTimestamps;
    private final long maxTime;
    private boolean storageRejected;
    private int samples;
    private int outOfOrderExemplars;

    SampleWriter(Appender appender, boolean ingestStartTimestamps, long nowMillis) {
        this.appender = appender;
        this.ingestStartTimestamps = ingestStartTimestamps;
        this.maxTime = nowMillis + MAX_AHEAD_MILLIS;
    }

    /** Whether the storage refused a sample (out of order, out of bounds, duplicate, too far ahead). */
    boolean storageRejected() {
        return storageRejected;
    }

    int samples() {
        return samples;
    }

    int outOfOrderExemplars() {
        return outOfOrderExemplars;
    }

    /** Whether a point carries OTLP's "no recorded value" flag: it is stored as a staleness marker. */
    static boolean noRecordedValue(int flags) {
        return (flags & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0;
    }

    /** A point's start time in milliseconds when start timestamps are stored, else 0 (none). */
    long start(long startNanos) {
        return ingestStartTimestamps ? startNanos / 1_000_000 : 0;
    }

    long appendFloat(Labels labels, long start, long t, double v, Metadata metadata) throws Rejected {
        if (t > maxTime) {
            storageRejected = true;
            throw new Rejected("out of bounds: timestamp is too far in the future");
        }
        try {
            long ref = 0;
            if (start != 0 && start < t) {
                ref = createdZero(labels, start, t, null);
            }
            ref = start != 0 ? appender.appendWithStart(ref, labels, start, t, v) : appender.append(ref, labels, t, v);
            samples++;
            return appender.updateMetadata(ref, labels, metadata);
        } catch (StorageException e) {
            throw rejected(e);
        }
    }

    long appendHistogram(Labels labels, long start, long t, Histogram h, Metadata metadata) throws Rejected {
        if (t > maxTime) {
            storageRejected = true;
            throw new Rejected("out of bounds: timestamp is too far in the future");
        }
        try {
            long ref = 0;
            if (start != 0 && start < t) {
                ref = createdZero(labels, start, t, h);
            }
            ref = start != 0 ? appender.appendHistogramWithStart(ref, labels, start, t, h) : appender.appendHistogram(ref, labels, t, h);
            samples++;
            return appender.updateMetadata(ref, labels, metadata);
        } catch (StorageException e) {
            throw rejected(e);
        }
    }

    /** Prometheus's start-timestamp zero sample (best effort: one the series already has data at or after is skipped). */
    private long createdZero(Labels labels, long created, long t, Histogram like) {
        try {
            if (like == null) {
                return appender.append(0, labels, created, 0.0);
            }
            Histogram zero = like.usesCustomBuckets()
                    ? Histogram.custom(like.customValues(), 0, 0, HistogramSpans.EMPTY)
                    : Histogram.exponential(like.schema(), like.zeroThreshold(), 0, 0, 0, HistogramSpans.EMPTY);
            return appender.appendHistogram(0, labels, created, zero);
        } catch (StorageException e) {
            switch (e.reason()) {
                case OUT_OF_ORDER, OUT_OF_BOUNDS, DUPLICATE_TIMESTAMP -> {
                    return 0;
                }
                default -> throw e;
            }
        }
    }

    private Rejected rejected(StorageException e) {
        switch (e.reason()) {
            case OUT_OF_ORDER, OUT_OF_BOUNDS, DUPLICATE_TIMESTAMP -> storageRejected = true;
            default -> throw e;
        }
        return new Rejected(e.getMessage());
    }

    /** Exemplars are advisory, as in Prometheus: one the storage refuses is skipped. */
    void exemplars(long ref, Labels labels, List<Exemplar> exemplars) {
        for (Exemplar e : exemplars) {
            try {
                ref = appender.appendExemplar(ref, labels, e);
            } catch (StorageException refused) {
                // Prometheus counts these (prometheus_api_otlp_out_of_order_exemplars_total) and keeps the samples.
                if (refused.reason() == StorageException.Reason.OUT_OF_ORDER) {
                    outOfOrderExemplars++;
                }
            }
        }
    }
}
