package io.promethium.remote.receive;

import io.promethium.api.storage.ValueType;
import io.promethium.remote.wire.HistogramCodec;
import io.promethium.remote.wire.ProtoReader;
import io.promethium.remote.wire.ProtoWriter;
import io.promethium.remote.wire.Snappy;
import io.promethium.remote.wire.XorChunkEncoder;
import io.promethium.remote.wire.HistogramChunkEncoder;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.remote.wire.ProtoReader.ProtoException;
import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * Remote read ({@code POST /api/v1/read}): a snappy-compressed protobuf {@code ReadRequest}
 * answered with sampled {@code ReadResponse} (snappy protobuf) or, when the client accepts it,
 * streamed {@code ChunkedReadResponse} frames of Prometheus's chunks (XOR for floats, histogram and
 * float histogram chunks for native histograms). External labels are added to series
 * that lack them, and matchers on them are dropped, as Prometheus does. {@link RemoteReadLimits}
 * bounds samples per sampled response, reads at once and the size of a frame.
 */
public final class RemoteReadReceiver implements HttpRoutes {

    static final String STREAMED_CONTENT_TYPE = "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse";
    private static final int SAMPLES = 0;
    private static final int STREAMED_XOR_CHUNKS = 1;
    private static final int SAMPLES_PER_CHUNK = 120;
    private static final int XOR = 1;

    private final Supplier<Storage> storage;
    private final Supplier<Labels> externalLabels;
    private final long maxBodyBytes;
    private final long sampleLimit;
    private final int maxFrameBytes;
    /** Admits {@code --storage.remote.read-concurrent-limit} reads at once; null when unlimited. */
    private final Semaphore gate;
    /** {@code --agent}: the endpoint answers 422 as Prometheus's agent does (it has no local queries). */
    private final boolean agent;

    public RemoteReadReceiver(Supplier<Storage> storage, Supplier<Labels> externalLabels, long maxBodyBytes, RemoteReadLimits limits) {
        this(storage, externalLabels, maxBodyBytes, limits, false);
    }

    public RemoteReadReceiver(Supplier<Storage> storage, Supplier<Labels> externalLabels, long maxBodyBytes, RemoteReadLimits limits,
                              boolean agent) {
        this.agent = agent;
        this.storage = Objects.requireNonNull(storage, "storage is null");
        this.externalLabels = Objects.requireNonNull(externalLabels, "externalLabels is null");
        this.maxBodyBytes = maxBodyBytes;
        this.sampleLimit = limits.sampleLimit() == 0 ? Long.MAX_VALUE : limits.sampleLimit();
        this.maxFrameBytes = limits.maxBytesInFrame();
        this.gate = limits.gate();
    }

    /** One query of the request. */
    record Query(long start, long end, List<Matcher> matchers) {
    }

    /** A decoded request. */
    record ReadRequest(List<Query> queries, List<Integer> acceptedTypes) {
    }

    /** A request error with its HTTP status. */
    private static final class HttpError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    static final String PATH = "/api/v1/read";
    /** The receiver's limits, as {@code promethium_http_requests_refused_total} names them. */
    static final String BODY_SIZE_LIMIT = "remote_read_body_size";
    static final String DECODED_SIZE_LIMIT = "remote_read_decoded_size";

    @Override
    public String pathPrefix() {
        return PATH;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Routes.post(exchange, PATH, agent, (x, body) -> read(body));
    }

    Reply read(InputStream body) throws IOException {
        ReadRequest request;
        int[] length = new int[1];
        byte[] compressed;
        try {
            compressed = Bodies.read(body, maxBodyBytes, length);
        } catch (Bodies.TooLarge e) {
            return RemoteWriteReceiver.text(413, e.getMessage()).refusedBy(BODY_SIZE_LIMIT);
        }
        try {
            byte[] decoded = Snappy.decode(compressed, length[0], maxBodyBytes * 8);
            request = decode(decoded);
        } catch (Snappy.SnappyException e) {
            Reply refused = RemoteWriteReceiver.text(400, e.getMessage());
            return Bodies.declaresMoreThan(compressed, length[0], maxBodyBytes * 8) ? refused.refusedBy(DECODED_SIZE_LIMIT) : refused;
        } catch (ProtoException e) {
            return RemoteWriteReceiver.text(400, e.getMessage());
        }
        int type = SAMPLES;
        if (!request.acceptedTypes().isEmpty()) {
            type = -1;
            for (int t : request.acceptedTypes()) {
                if (t == SAMPLES || t == STREAMED_XOR_CHUNKS) {
                    type = t;
                    break;
                }
            }
            if (type < 0) {
                return RemoteWriteReceiver.text(400, "server does not support any of the requested response types: "
                        + request.acceptedTypes() + "; supported: [SAMPLES STREAMED_XOR_CHUNKS]");
            }
        }
        if (gate != null) {
            try {
                // As Prometheus: a read past the concurrency limit waits for a turn.
                gate.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return RemoteWriteReceiver.text(503, "interrupted waiting for a remote read slot");
            }
        }
        boolean streaming = false;
        try {
            Storage s = storage.get();
            Labels external = externalLabels.get();
            if (type == STREAMED_XOR_CHUNKS) {
                Routes.Streamed out = o -> {
                    try {
                        streamChunks(o, s, external, request);
                    } finally {
                        release();
                    }
                };
                streaming = true;
                return Reply.streamed(STREAMED_CONTENT_TYPE, out);
            }
            byte[] response = sampled(s, external, request);
            byte[] encoded = Snappy.encode(response, response.length);
            return Reply.ok("application/x-protobuf", encoded).header("Content-Encoding", "snappy");
        } catch (HttpError e) {
            return RemoteWriteReceiver.text(e.status, e.getMessage());
        } finally {
            if (!streaming) {
                release();
            }
        }
    }

    private void release() {
        if (gate != null) {
            gate.release();
        }
    }

    /**
     * A sampled {@code ReadResponse}: per query a {@code QueryResult} of {@code TimeSeries}, floats
     * in {@code samples}, native histograms in {@code histograms} (integer or float, as stored).
     */
    private byte[] sampled(Storage s, Labels external, ReadRequest request) throws HttpError {
        ProtoWriter w = new ProtoWriter();
        HistogramCodec histograms = new HistogramCodec();
        long samples = 0;
        for (Query query : request.queries()) {
            int result = w.beginMessage(1);
            try (Querier q = s.querier(query.start(), query.end())) {
                SeriesSet set = q.select(true, SelectHints.range(query.start(), query.end()), filter(query.matchers(), external));
                SampleIterator reuse = null;
                while (set.next()) {
                    Series series = set.at();
                    int ts = w.beginMessage(1);
                    labels(w, merge(series.labels(), external));
                    SampleIterator it = series.iterator(reuse);
                    reuse = it;
                    if (it.seek(query.start())) {
                        do {
                            if (it.timestamp() > query.end()) {
                                break;
                            }
                            if (++samples > sampleLimit) {
                                throw new HttpError(400, "exceeded sample limit (" + sampleLimit + ")");
                            }
                            ValueType vt = it.valueType();
                            if (vt == ValueType.HISTOGRAM) {
                                histograms.encode(w, 4, it.timestamp(), it.histogram());
                            } else if (vt == ValueType.FLOAT_HISTOGRAM) {
                                histograms.encode(w, 4, it.timestamp(), it.floatHistogram());
                            } else {
                                int sample = w.beginMessage(2);
                                w.doubleField(1, it.value());
                                w.int64Field(2, it.timestamp());
                                w.endMessage(sample);
                            }
                        } while (it.next());
                    }
                    w.endMessage(ts);
                }
                if (set.error() instanceof io.promethium.api.storage.StorageException closed
                        && closed.reason() == io.promethium.api.storage.StorageException.Reason.CLOSED) {
                    throw closed;
                }
                if (set.error() != null) {
                    throw new HttpError(500, String.valueOf(set.error().getMessage()));
                }
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, e.getMessage());
            }
            w.endMessage(result);
        }
        return w.toByteArray();
    }

    private void streamChunks(OutputStream out, Storage s, Labels external, ReadRequest request) throws IOException {
        ProtoWriter frame = new ProtoWriter();
        SeriesChunks chunks = new SeriesChunks();
        CRC32C crc = new CRC32C();
        byte[] lenBuf = new byte[10];
        for (int index = 0; index < request.queries().size(); index++) {
            Query query = request.queries().get(index);
            try (Querier q = s.querier(query.start(), query.end())) {
                SeriesSet set = q.select(true, SelectHints.range(query.start(), query.end()), filter(query.matchers(), external));
                SampleIterator reuse = null;
                frame.reset();
                while (set.next()) {
                    Series series = set.at();
                    Labels labels = merge(series.labels(), external);
                    int[] cs = {frame.beginMessage(1)};
                    labels(frame, labels);
                    SampleIterator it = series.iterator(reuse);
                    reuse = it;
                    int qi = index;
                    chunks.start(() -> {
                        if (frame.size() >= maxFrameBytes) {
                            // A full frame: the series goes on in the next one, as Prometheus splits it.
                            frame.endMessage(cs[0]);
                            writeFrame(out, frame, qi, crc, lenBuf);
                            cs[0] = frame.beginMessage(1);
                            labels(frame, labels);
                        }
                    });
                    if (it.seek(query.start())) {
                        do {
                            long t = it.timestamp();
                            if (t > query.end()) {
                                break;
                            }
                            chunks.add(frame, it, t);
                        } while (it.next());
                    }
                    chunks.finish(frame);
                    frame.endMessage(cs[0]);
                    if (frame.size() >= maxFrameBytes) {
                        writeFrame(out, frame, index, crc, lenBuf);
                    }
                }
                if (set.error() != null) {
                    // The answer has begun: cut it, so the reader sees a broken stream rather than a short answer.
                    throw new IOException("remote read: query " + index + " failed: " + set.error().getMessage(), set.error());
                }
                if (frame.size() > 0) {
                    writeFrame(out, frame, index, crc, lenBuf);
                }
            }
        }
        out.flush();
    }

    /** Called after a chunk was added to the frame; may send the frame. */
    private interface ChunkAdded {
        void run() throws IOException;
    }

    /**
     * Cuts one series' samples into chunks: floats into XOR chunks, native histograms into
     * histogram or float histogram chunks; a change of sample type closes the open chunk.
     */
    private static final class SeriesChunks {
        private final XorChunkEncoder xor = new XorChunkEncoder();
        private final HistogramChunkEncoder histograms = new HistogramChunkEncoder();
        private boolean histogramOpen;
        private long min;
        private long max;
        private ChunkAdded added;

        void start(ChunkAdded onAdded) {
            xor.reset();
            histograms.reset();
            histogramOpen = false;
            added = onAdded;
        }

        void add(ProtoWriter frame, SampleIterator it, long t) throws IOException {
            ValueType vt = it.valueType();
            boolean histogram = vt.isHistogram() || histogramOpen && histograms.count() > 0 && StaleMarker.isStale(it.value());
            if (histogram != histogramOpen) {
                flush(frame);
                histogramOpen = histogram;
            }
            if (!histogram) {
                if (xor.count() == 0) {
                    min = t;
                }
                xor.append(t, it.value());
                max = t;
                if (xor.count() == SAMPLES_PER_CHUNK) {
                    flush(frame);
                }
                return;
            }
            if (histograms.count() == 0) {
                min = t;
            }
            if (!appendHistogram(it, vt, t)) {
                flush(frame);
                histograms.newChunk();
                min = t;
                appendHistogram(it, vt, t);
            }
            max = t;
        }

        private boolean appendHistogram(SampleIterator it, ValueType vt, long t) {
            return switch (vt) {
                case HISTOGRAM -> histograms.append(t, it.histogram());
                case FLOAT_HISTOGRAM -> histograms.append(t, it.floatHistogram());
                default -> histograms.appendStale(t);
            };
        }

        /** Adds the series' last chunk to the frame. */
        void finish(ProtoWriter frame) throws IOException {
            added = () -> { };
            flush(frame);
        }

        /** Adds the open chunk, if it holds samples, to the frame. */
        void flush(ProtoWriter frame) throws IOException {
            if (histogramOpen && histograms.count() > 0) {
                chunkMessage(frame, histograms.encoding(), histograms.buffer(), histograms.length(), min, max);
                histograms.newChunk();
            } else if (!histogramOpen && xor.count() > 0) {
                chunkMessage(frame, XOR, xor.buffer(), xor.length(), min, max);
                xor.reset();
            } else {
                return;
            }
            added.run();
        }
    }

    private static void chunkMessage(ProtoWriter w, int encoding, byte[] data, int length, long min, long max) {
        int c = w.beginMessage(2);
        w.int64Field(1, min);
        w.int64Field(2, max);
        w.int64Field(3, encoding);
        w.bytesField(4, data, 0, length);
        w.endMessage(c);
    }

    /** A frame: uvarint message length, CRC32-Castagnoli of the message (big endian), the message. */
    private static void writeFrame(OutputStream out, ProtoWriter frame, int queryIndex, CRC32C crc, byte[] lenBuf) throws IOException {
        if (queryIndex != 0) {
            frame.int64Field(2, queryIndex);
        }
        int size = frame.size();
        int n = 0;
        long v = size;
        while (v >= 0x80) {
            lenBuf[n++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        lenBuf[n++] = (byte) v;
        out.write(lenBuf, 0, n);
        crc.reset();
        crc.update(frame.buffer(), 0, size);
        long sum = crc.getValue();
        out.write(new byte[] {(byte) (sum >>> 24), (byte) (sum >>> 16), (byte) (sum >>> 8), (byte) sum});
        out.write(frame.buffer(), 0, size);
        frame.reset();
    }

    private static void labels(ProtoWriter w, Labels labels) {
        for (int i = 0; i < labels.size(); i++) {
            int l = w.beginMessage(1);
            w.stringField(1, labels.name(i));
            w.stringField(2, labels.value(i));
            w.endMessage(l);
        }
    }

    /** Series labels win over external labels of the same name. */
    private static Labels merge(Labels series, Labels external) {
        if (external.isEmpty()) {
            return series;
        }
        Labels.Builder b = series.toBuilder();
        for (int i = 0; i < external.size(); i++) {
            if (!series.has(external.name(i))) {
                b.set(external.name(i), external.value(i));
            }
        }
        return b.build();
    }

    /** An equality matcher on an external label's own value selects local series, which lack the label. */
    private static List<Matcher> filter(List<Matcher> matchers, Labels external) {
        List<Matcher> out = new ArrayList<>(matchers.size());
        for (Matcher m : matchers) {
            if (m.type() == MatchType.EQUAL && external.has(m.name()) && external.get(m.name()).equals(m.value())) {
                out.add(Matcher.equal(m.name(), ""));
            } else {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * <pre>
     * ReadRequest  { repeated Query queries = 1; repeated ResponseType accepted_response_types = 2; }
     * Query        { int64 start_timestamp_ms = 1; int64 end_timestamp_ms = 2; repeated LabelMatcher matchers = 3; ReadHints hints = 4; }
     * LabelMatcher { Type type = 1; string name = 2; string value = 3; }   // EQ, NEQ, RE, NRE
     * </pre>
     */
    static ReadRequest decode(byte[] buf) throws ProtoException {
        ProtoReader r = new ProtoReader(buf, 0, buf.length);
        List<Query> queries = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        while (r.hasMore()) {
            int tag = r.tag();
            if (tag == (1 << 3 | 2)) {
                int end = r.lengthDelimitedEnd();
                queries.add(query(new ProtoReader(buf, r.position(), end)));
                r.position(end);
            } else if (tag == (2 << 3)) {
                types.add((int) r.varint());
            } else if (tag == (2 << 3 | 2)) {
                int end = r.lengthDelimitedEnd();
                ProtoReader packed = new ProtoReader(buf, r.position(), end);
                while (packed.hasMore()) {
                    types.add((int) packed.varint());
                }
                r.position(end);
            } else {
                r.skip(tag);
            }
        }
        return new ReadRequest(queries, types);
    }

    private static Query query(ProtoReader r) throws ProtoException {
        long start = 0;
        long end = 0;
        List<Matcher> matchers = new ArrayList<>();
        while (r.hasMore()) {
            int tag = r.tag();
            switch (tag) {
                case 1 << 3 -> start = r.varint();
                case 2 << 3 -> end = r.varint();
                case 3 << 3 | 2 -> {
                    int e = r.lengthDelimitedEnd();
                    ProtoReader m = new ProtoReader(r.buffer(), r.position(), e);
                    int type = 0;
                    String name = "";
                    String value = "";
                    while (m.hasMore()) {
                        int mt = m.tag();
                        switch (mt) {
                            case 1 << 3 -> type = (int) m.varint();
                            case 2 << 3 | 2 -> name = m.string();
                            case 3 << 3 | 2 -> value = m.string();
                            default -> m.skip(mt);
                        }
                    }
                    r.position(e);
                    MatchType matchType = switch (type) {
                        case 0 -> MatchType.EQUAL;
                        case 1 -> MatchType.NOT_EQUAL;
                        case 2 -> MatchType.REGEX;
                        case 3 -> MatchType.NOT_REGEX;
                        default -> throw new ProtoException("invalid matcher type " + type);
                    };
                    try {
                        matchers.add(Matcher.of(matchType, name, value));
                    } catch (IllegalArgumentException ex) {
                        throw new ProtoException(ex.getMessage());
                    }
                }
                default -> r.skip(tag);
            }
        }
        return new Query(start, end, matchers);
    }
}
