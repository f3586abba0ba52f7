package io.promethium.remote.receive;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.remote.wire.WriteV2Decoder;
import java.util.Set;
import io.promethium.remote.wire.HistogramSamples;
import io.promethium.remote.wire.ProtoReader;
import io.promethium.remote.wire.Snappy;
import io.promethium.remote.wire.WriteRequestDecoder;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageException;
import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The remote write receiver ({@code POST /api/v1/write}, snappy-compressed protobuf: 1.0's
 * {@code prometheus.WriteRequest} and 2.0's {@code io.prometheus.write.v2.Request}, told apart by
 * the Content-Type's {@code proto} parameter and accepted per
 * {@code --web.remote-write-receiver.accepted-protobuf-messages}; another message is a 415), on
 * only with {@code --web.enable-remote-write-receiver}. As Prometheus:
 * 204 when stored; 400 for an undecodable body or a rejected sample (out of order, out of
 * bounds, duplicate: the sender must not retry); 500 when the storage fails; and here 413 for a
 * body over the limit and 503 while no storage is there or it is closed (a plugin swap). One
 * request is one appender batch: all of it is stored or none.
 */
public final class RemoteWriteReceiver implements HttpRoutes {

    private static final Logger LOG = Logger.getLogger(RemoteWriteReceiver.class.getName());

    private final Supplier<Storage> storage;
    private final boolean enabled;
    private final long maxBodyBytes;
    private final long maxDecodedBytes;
    private final Set<String> accepted;
    /** {@code --enable-feature=type-and-unit-labels}: a 2.0 series' metadata becomes {@code __type__}/{@code __unit__}. */
    private final boolean typeAndUnitLabels;
    /** {@code --enable-feature=created-timestamp-zero-ingestion}: a 2.0 series' created timestamp is ingested. */
    private final boolean ingestCreated;

    /** Prometheus's feature that ingests created timestamps (declared in this bundle's {@code Promethium-Features}). */
    public static final String CREATED_TIMESTAMP_FEATURE = "created-timestamp-zero-ingestion";

    static final String V1 = "prometheus.WriteRequest";
    static final String V2 = "io.prometheus.write.v2.Request";
    /** {@code --web.remote-write-receiver.accepted-protobuf-messages}, declared in this bundle's {@code bnd.bnd}. */
    public static final String ACCEPTED_FLAG = "web.remote-write-receiver.accepted-protobuf-messages";

    /** Accepting both messages, Prometheus 3's default. */
    public RemoteWriteReceiver(Supplier<Storage> storage, boolean enabled, long maxBodyBytes, long maxDecodedBytes) {
        this(storage, enabled, maxBodyBytes, maxDecodedBytes, Set.of(V1, V2));
    }

    public RemoteWriteReceiver(Supplier<Storage> storage, boolean enabled, long maxBodyBytes, long maxDecodedBytes, Set<String> accepted) {
        this(storage, enabled, maxBodyBytes, maxDecodedBytes, accepted, false);
    }

    public RemoteWriteReceiver(Supplier<Storage> storage, boolean enabled, long maxBodyBytes, long maxDecodedBytes, Set<String> accepted,
                               boolean typeAndUnitLabels) {
        this(storage, enabled, maxBodyBytes, maxDecodedBytes, accepted, typeAndUnitLabels, false);
    }

    /** {@code ingestCreated}: created timestamps of 2.0 series are ingested ({@link #CREATED_TIMESTAMP_FEATURE}). */
    public RemoteWriteReceiver(Supplier<Storage> storage, boolean enabled, long maxBodyBytes, long maxDecodedBytes, Set<String> accepted,
                               boolean typeAndUnitLabels, boolean ingestCreated) {
        this.ingestCreated = ingestCreated;
        this.storage = Objects.requireNonNull(storage, "storage is null");
        this.enabled = enabled;
        this.maxBodyBytes = maxBodyBytes;
        this.maxDecodedBytes = maxDecodedBytes;
        this.accepted = Set.copyOf(accepted);
        this.typeAndUnitLabels = typeAndUnitLabels;
    }

    static final String TYPE_LABEL = "__type__";
    static final String UNIT_LABEL = "__unit__";

    /**
     * Prometheus's type-and-unit labels on a 2.0 series whose metadata has a type or a unit: the
     * sender's own {@code __type__}/{@code __unit__} give way to the metadata's (a known type, a
     * non-empty unit; so a series with a type and no unit loses a {@code __unit__} it carried).
     * Remote write 1.0 has no per-series metadata, and Prometheus adds nothing there either.
     */
    static Labels withTypeAndUnit(Labels labels, Metadata metadata) {
        if (metadata.type() == MetricType.UNKNOWN && metadata.unit().isEmpty()) {
            return labels;
        }
        Labels.Builder b = labels.toBuilder();
        b.remove(TYPE_LABEL);
        b.remove(UNIT_LABEL);
        if (metadata.type() != MetricType.UNKNOWN) {
            b.set(TYPE_LABEL, metadata.type().text());
        }
        if (!metadata.unit().isEmpty()) {
            b.set(UNIT_LABEL, metadata.unit());
        }
        return b.build();
    }

    /**
     * The flag's value: message names separated by commas (the launcher hands a repeated flag over
     * joined so); anything but the two messages is refused naming the flag.
     */
    public static Set<String> acceptedMessages(String flagValue) {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (String part : (flagValue == null ? "" : flagValue).split(",")) {
            String m = part.strip();
            if (m.isEmpty()) {
                continue;
            }
            if (!m.equals(V1) && !m.equals(V2)) {
                throw new IllegalArgumentException("--" + ACCEPTED_FLAG + ": unknown protobuf message \"" + m + "\" (supported: " + V1 + ", "
                        + V2 + ")");
            }
            out.add(m);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("--" + ACCEPTED_FLAG + ": no message accepted (supported: " + V1 + ", " + V2 + ")");
        }
        return out;
    }

    static final String PATH = "/api/v1/write";
    /** The receiver's limits, as {@code promethium_http_requests_refused_total} names them. */
    static final String BODY_SIZE_LIMIT = "remote_write_body_size";
    static final String DECODED_SIZE_LIMIT = "remote_write_decoded_size";

    @Override
    public String pathPrefix() {
        return PATH;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Routes.post(exchange, PATH, false, (x, body) -> write(x.requestHeader("Content-Type").orElse(null), body));
    }

    Reply write(String contentType, InputStream body) throws IOException {
        if (!enabled) {
            drain(body);
            return text(404, "remote write receiver needs to be enabled with --web.enable-remote-write-receiver");
        }
        String message = protoMessage(contentType);
        if (!accepted.contains(message)) {
            drain(body);
            // Remote write 2.0 senders may fall back to 1.0 on 415, as Prometheus 3 answers.
            return text(415, message + " protobuf message is not accepted by this server; accepted " + accepted);
        }
        byte[] decoded;
        int[] length = new int[1];
        byte[] compressed;
        try {
            compressed = Bodies.read(body, maxBodyBytes, length);
        } catch (Bodies.TooLarge e) {
            return text(413, e.getMessage()).refusedBy(BODY_SIZE_LIMIT);
        }
        if (length[0] == 0) {
            return text(400, "snappy: corrupt input (empty body)");
        }
        try {
            decoded = Snappy.decode(compressed, length[0], maxDecodedBytes);
        } catch (Snappy.SnappyException e) {
            Reply refused = text(400, e.getMessage());
            return Bodies.declaresMoreThan(compressed, length[0], maxDecodedBytes) ? refused.refusedBy(DECODED_SIZE_LIMIT) : refused;
        }
        Storage s = storage.get();
        if (message.equals(V2)) {
            return writeV2(s, decoded);
        }
        Appender appender = s.appender();
        boolean committed = false;
        try {
            new WriteRequestDecoder().decode(decoded, decoded.length, new WriteRequestDecoder.Sink() {
                @Override
                public void histograms(Labels labels, HistogramSamples histograms) {
                    if (labels.isEmpty()) {
                        return;
                    }
                    appendHistograms(appender, labels, histograms);
                }

                @Override
                public void series(Labels labels, long[] ts, double[] vs, int count, Exemplar[] exemplars, int exemplarCount) {
                    if (labels.isEmpty()) {
                        return;
                    }
                    long ref = 0;
                    for (int i = 0; i < count; i++) {
                        ref = appender.append(ref, labels, ts[i], vs[i]);
                    }
                    appendExemplars(appender, ref, labels, exemplars, exemplarCount);
                }
            });
            appender.commit();
            committed = true;
        } catch (ProtoReader.ProtoException | InvalidHistogram e) {
            return text(400, e.getMessage());
        } catch (StorageException e) {
            return storageFailure(e);
        } catch (Exception e) {
            LOG.warning("remote write failed: " + e);
            return text(500, String.valueOf(e.getMessage()));
        } finally {
            if (!committed) {
                try {
                    appender.rollback();
                } catch (RuntimeException ignored) {
                    // the batch is discarded either way
                }
            }
        }
        return Reply.noContent();
    }

    /**
     * Remote write 2.0: as 1.0, plus the series' metadata recorded ({@code Appender.updateMetadata}),
     * and the {@code X-Prometheus-Remote-Write-*-Written} headers the specification requires on
     * every answer (0 when nothing was stored: one request is one batch). A sample's start
     * timestamp (its own {@code start_timestamp} in the specification's newest revision, else its
     * series' {@code created_timestamp}) is ingested with
     * {@code --enable-feature=created-timestamp-zero-ingestion}, as
     * Prometheus does: before each sample later than it, a zero sample at the start timestamp
     * (best effort: one the series already has data after is skipped, not an error), and the
     * sample stored with it as its start timestamp. Without the feature it is ignored, as there.
     */
    private Reply writeV2(Storage s, byte[] decoded) {
        Appender appender = s.appender();
        long[] written = new long[3];
        boolean committed = false;
        Reply failure = null;
        try {
            new WriteV2Decoder().decode(decoded, decoded.length, new WriteV2Decoder.Sink() {
                @Override
                public void series(Labels sent, long[] ts, double[] vs, long[] starts, int count, HistogramSamples histograms,
                                   Exemplar[] exemplars, int exemplarCount, Metadata metadata, long createdTimestamp)
                        throws ProtoReader.ProtoException {
                    if (sent.isEmpty()) {
                        throw new ProtoReader.ProtoException("a timeseries has no labels");
                    }
                    Labels labels = typeAndUnitLabels ? withTypeAndUnit(sent, metadata) : sent;
                    long ref = 0;
                    for (int i = 0; i < count; i++) {
                        long start = ingestCreated ? starts[i] : 0;
                        if (start != 0) {
                            ref = appendCreatedZero(appender, ref, labels, start, ts[i], null);
                        }
                        ref = appender.appendWithStart(ref, labels, start, ts[i], vs[i]);
                    }
                    if (histograms.size() > 0) {
                        ref = appendHistograms(appender, labels, histograms, ingestCreated);
                    }
                    if (metadata != Metadata.UNKNOWN && (count > 0 || histograms.size() > 0)) {
                        ref = appender.updateMetadata(ref, labels, metadata);
                    }
                    written[2] += appendExemplars(appender, ref, labels, exemplars, exemplarCount);
                    written[0] += count;
                    written[1] += histograms.size();
                }

                @Override
                public void series(Labels labels, long[] ts, double[] vs, int count, HistogramSamples histograms, Exemplar[] exemplars,
                                   int exemplarCount, Metadata metadata, long createdTimestamp) {
                    throw new IllegalStateException("never called: the decoder hands each sample's start timestamp");
                }
            });
            appender.commit();
            committed = true;
        } catch (ProtoReader.ProtoException | InvalidHistogram e) {
            failure = text(400, e.getMessage());
        } catch (StorageException e) {
            failure = storageFailure(e);
        } catch (Exception e) {
            LOG.warning("remote write failed: " + e);
            failure = text(500, String.valueOf(e.getMessage()));
        } finally {
            if (!committed) {
                try {
                    appender.rollback();
                } catch (RuntimeException ignored) {
                    // the batch is discarded either way
                }
            }
        }
        Reply r = failure == null ? Reply.noContent() : failure;
        if (failure != null) {
            java.util.Arrays.fill(written, 0);
        }
        return r.header("X-Prometheus-Remote-Write-Samples-Written", written[0])
                .header("X-Prometheus-Remote-Write-Histograms-Written", written[1])
                .header("X-Prometheus-Remote-Write-Exemplars-Written", written[2]);
    }

    /**
     * A refused sample is the sender's error (400: do not retry); a failing storage is ours (500:
     * retry); a closed one is rethrown for {@link Routes} to answer 503 {@code unavailable}.
     */
    private static Reply storageFailure(StorageException e) {
        return switch (e.reason()) {
            case OUT_OF_ORDER, OUT_OF_BOUNDS, DUPLICATE_TIMESTAMP, INVALID, UNSUPPORTED -> text(400, e.getMessage());
            case CLOSED -> throw e;
            default -> {
                LOG.warning("remote write append failed: " + e.getMessage());
                yield text(500, e.getMessage());
            }
        };
    }

    /** A histogram that does not validate: the sender's error (400), naming the series. */
    static final class InvalidHistogram extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidHistogram(String message) {
            super(message);
        }
    }

    /**
     * Appends a series' native histograms after checking each as Prometheus's {@code Validate}
     * does, so a malformed one is refused with a 400 naming the series and what is wrong.
     */
    static long appendHistograms(Appender appender, Labels labels, HistogramSamples histograms) {
        return appendHistograms(appender, labels, histograms, false);
    }

    /** As above; {@code withStarts}: each histogram's start timestamp kept, with a zero histogram at it first. */
    static long appendHistograms(Appender appender, Labels labels, HistogramSamples histograms, boolean withStarts) {
        long ref = 0;
        for (int i = 0; i < histograms.size(); i++) {
            long start = withStarts ? histograms.startTimestamp(i) : 0;
            long t = histograms.timestamp(i);
            try {
                if (histograms.isFloat(i)) {
                    histograms.floatHistogram(i).validate();
                } else {
                    histograms.histogram(i).validate();
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidHistogram("invalid histogram of series " + labels + " at " + t + ": " + e.getMessage());
            }
            if (start != 0) {
                ref = appendCreatedZero(appender, ref, labels, start, t, histograms.isFloat(i) ? null : histograms.histogram(i));
            }
            ref = histograms.isFloat(i) ? appender.appendHistogramWithStart(ref, labels, start, t, histograms.floatHistogram(i))
                    : appender.appendHistogramWithStart(ref, labels, start, t, histograms.histogram(i));
        }
        return ref;
    }

    /**
     * Prometheus's created-timestamp zero sample: a 0 (or, for a histogram series, an empty
     * histogram of the same layout) at {@code created} when that is before the sample at {@code t}.
     * Best effort, as there: one the series already has data at or after is skipped.
     */
    static long appendCreatedZero(Appender appender, long ref, Labels labels, long created, long t,
            io.promethium.api.model.Histogram like) {
        if (created >= t) {
            return ref;
        }
        try {
            if (like == null) {
                return appender.append(ref, labels, created, 0.0);
            }
            io.promethium.api.model.Histogram zero = like.usesCustomBuckets()
                    ? io.promethium.api.model.Histogram.custom(like.customValues(), 0, 0, io.promethium.api.model.HistogramSpans.EMPTY)
                    : io.promethium.api.model.Histogram.exponential(like.schema(), like.zeroThreshold(), 0, 0, 0,
                            io.promethium.api.model.HistogramSpans.EMPTY);
            return appender.appendHistogram(ref, labels, created, zero);
        } catch (StorageException e) {
            switch (e.reason()) {
                case OUT_OF_ORDER, OUT_OF_BOUNDS, DUPLICATE_TIMESTAMP -> {
                    return ref;
                }
                default -> throw e;
            }
        }
    }

    /**
     * Exemplars are advisory, as in Prometheus's receiver: one the storage refuses (out of order,
     * invalid) is skipped and counted in the log at most once per request; the samples stand.
     */
    static int appendExemplars(Appender appender, long ref, Labels labels, Exemplar[] exemplars, int count) {
        int stored = 0;
        for (int i = 0; i < count; i++) {
            try {
                ref = appender.appendExemplar(ref, labels, exemplars[i]);
                stored++;
            } catch (StorageException e) {
                LOG.fine(() -> "remote write: exemplar of " + labels + " skipped: " + e.getMessage());
            }
        }
        return stored;
    }

    /** The {@code proto} parameter of the Content-Type; remote write 1.0's message when absent. */
    static String protoMessage(String contentType) {
        if (contentType == null) {
            return "prometheus.WriteRequest";
        }
        for (String part : contentType.split(";")) {
            String p = part.trim();
            if (p.regionMatches(true, 0, "proto=", 0, 6)) {
                String v = p.substring(6).trim();
                return v.isEmpty() ? "prometheus.WriteRequest" : v;
            }
        }
        return "prometheus.WriteRequest";
    }

    /** Reads (bounded) a body refused unread, so the connection serves the sender's next request. */
    private static void drain(InputStream body) {
        if (body != null) {
            Bodies.drain(body);
        }
    }

    static Reply text(int status, String message) {
        return Reply.text(status, message);
    }

}
