package io.promethium.remote.wire;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.SelectHints;
import io.promethium.remote.wire.ProtoReader.ProtoException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The client side of remote read: encodes a {@code ReadRequest} and decodes both response kinds,
 * sampled ({@code ReadResponse}, snappy) and streamed ({@code ChunkedReadResponse} frames of XOR,
 * histogram and float histogram chunks, each frame checked against its CRC32C), into series with
 * primitive sample arrays and {@link HistogramSamples}.
 *
 * <pre>
 * ReadRequest  { repeated Query queries = 1; repeated ResponseType accepted_response_types = 2; } // SAMPLES=0, STREAMED_XOR_CHUNKS=1
 * Query        { int64 start_timestamp_ms = 1; int64 end_timestamp_ms = 2; repeated LabelMatcher matchers = 3; ReadHints hints = 4; }
 * LabelMatcher { Type type = 1; string name = 2; string value = 3; }        // EQ=0, NEQ=1, RE=2, NRE=3
 * ReadHints    { int64 step_ms = 1; string func = 2; int64 start_ms = 3; int64 end_ms = 4;
 *                repeated string grouping = 5; bool by = 6; int64 range_ms = 7; }
 * ReadResponse { repeated QueryResult results = 1; }   QueryResult { repeated TimeSeries timeseries = 1; }
 * ChunkedReadResponse { repeated ChunkedSeries chunked_series = 1; int64 query_index = 2; }
 * ChunkedSeries { repeated Label labels = 1; repeated Chunk chunks = 2; }
 * Chunk         { int64 min_time_ms = 1; int64 max_time_ms = 2; Encoding type = 3; bytes data = 4; } // XOR=1, HISTOGRAM=2, FLOAT_HISTOGRAM=3
 * frame := uvarint(len(message)) crc32c(message) big-endian:4 message
 * </pre>
 */
public final class ReadClientCodec {

    /** The content type of a streamed response. */
    public static final String STREAMED_CONTENT_TYPE = "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse";

    private ReadClientCodec() {
    }

    /** One query of a request. */
    public record Query(long start, long end, List<Matcher> matchers, SelectHints hints) {
    }

    /** Receives decoded series; the arrays are reused after the call returns. */
    public interface SeriesSink {
        void series(int queryIndex, Labels labels, long[] timestamps, double[] values, int count) throws ProtoException;

        /**
         * A series' native histograms from a sampled or streamed response, handed over right before its
         * {@link #series} call (since 1.1.0); a sink that cannot take them refuses.
         */
        default void histograms(int queryIndex, Labels labels, HistogramSamples histograms) throws ProtoException {
            throw new ProtoException("the remote answered native histograms for " + labels + ", which this reader does not take");
        }
    }

    /** The raw (not yet snappy-compressed) request, accepting streamed chunks first, then samples. */
    public static byte[] encodeRequest(List<Query> queries, boolean acceptStreamed) {
        ProtoWriter w = new ProtoWriter();
        for (Query q : queries) {
            int m = w.beginMessage(1);
            w.int64Field(1, q.start());
            w.int64Field(2, q.end());
            for (Matcher matcher : q.matchers()) {
                int lm = w.beginMessage(3);
                int type = switch (matcher.type()) {
                    case EQUAL -> 0;
                    case NOT_EQUAL -> 1;
                    case REGEX -> 2;
                    case NOT_REGEX -> 3;
                };
                if (type != 0) {
                    w.int64Field(1, type);
                }
                w.stringField(2, matcher.name());
                w.stringField(3, matcher.value());
                w.endMessage(lm);
            }
            SelectHints h = q.hints();
            if (h != null) {
                int hm = w.beginMessage(4);
                w.int64Field(1, h.step());
                if (!h.function().isEmpty()) {
                    w.stringField(2, h.function());
                }
                w.int64Field(3, h.start());
                w.int64Field(4, h.end());
                for (String g : h.grouping()) {
                    w.stringField(5, g);
                }
                if (h.by()) {
                    w.int64Field(6, 1);
                }
                w.int64Field(7, h.range());
                w.endMessage(hm);
            }
            w.endMessage(m);
        }
        if (acceptStreamed) {
            w.tag(2, 2);
            w.varint(2);
            w.varint(1);
            w.varint(0);
        } else {
            w.int64Field(2, 0);
        }
        return w.toByteArray();
    }

    /** Decodes a sampled {@code ReadResponse} (already decompressed). */
    public static void decodeSampled(byte[] raw, int length, SeriesSink sink) throws ProtoException {
        WriteRequestDecoder decoder = new WriteRequestDecoder();
        ProtoReader r = new ProtoReader(raw, 0, length);
        int[] queryIndex = {0};
        while (r.hasMore()) {
            int tag = r.tag();
            if (tag != (1 << 3 | 2)) {
                r.skip(tag);
                continue;
            }
            int end = r.lengthDelimitedEnd();
            try {
                decoder.decode(raw, r.position(), end, new WriteRequestDecoder.Sink() {
                    @Override
                    public void series(Labels labels, long[] ts, double[] vs, int n, io.promethium.api.model.Exemplar[] ex, int exN)
                            throws ProtoException {
                        sink.series(queryIndex[0], labels, ts, vs, n);
                    }

                    @Override
                    public void histograms(Labels labels, HistogramSamples histograms) throws ProtoException {
                        sink.histograms(queryIndex[0], labels, histograms);
                    }
                });
            } catch (ProtoException e) {
                throw e;
            } catch (Exception e) {
                throw new ProtoException(String.valueOf(e.getMessage()));
            }
            r.position(end);
            queryIndex[0]++;
        }
    }

    /**
     * Decodes a streamed response frame by frame. A frame longer than {@code maxFrameBytes}, a CRC
     * mismatch or a truncated frame fails naming what was wrong.
     */
    public static void decodeStreamed(InputStream in, int maxFrameBytes, SeriesSink sink) throws IOException, ProtoException {
        CRC32C crc = new CRC32C();
        byte[] frame = new byte[4096];
        Samples buffer = new Samples();
        HistogramSamples histograms = new HistogramSamples();
        while (true) {
            long len = 0;
            int shift = 0;
            int b;
            int bytes = 0;
            while (true) {
                b = in.read();
                if (b < 0) {
                    if (bytes == 0) {
                        return;
                    }
                    throw new ProtoException("streamed read: truncated frame length");
                }
                bytes++;
                len |= (long) (b & 0x7f) << shift;
                if (b < 0x80) {
                    break;
                }
                shift += 7;
                if (shift > 35) {
                    throw new ProtoException("streamed read: frame length overflow");
                }
            }
            if (len > maxFrameBytes) {
                throw new ProtoException("streamed read: frame of " + len + " bytes exceeds the limit of " + maxFrameBytes);
            }
            byte[] sum = in.readNBytes(4);
            if (sum.length < 4) {
                throw new ProtoException("streamed read: truncated frame checksum");
            }
            if (frame.length < len) {
                frame = new byte[(int) len];
            }
            if (in.readNBytes(frame, 0, (int) len) < len) {
                throw new ProtoException("streamed read: truncated frame");
            }
            crc.reset();
            crc.update(frame, 0, (int) len);
            long expected = ((sum[0] & 0xffL) << 24) | ((sum[1] & 0xffL) << 16) | ((sum[2] & 0xffL) << 8) | (sum[3] & 0xffL);
            if (crc.getValue() != expected) {
                throw new ProtoException("streamed read: frame checksum mismatch");
            }
            chunkedResponse(frame, (int) len, buffer, histograms, sink);
        }
    }

    private static void chunkedResponse(byte[] frame, int length, Samples buffer, HistogramSamples histograms, SeriesSink sink)
            throws ProtoException {
        ProtoReader r = new ProtoReader(frame, 0, length);
        int queryIndex = 0;
        // query_index may follow the series; find it first.
        while (r.hasMore()) {
            int tag = r.tag();
            if (tag == (2 << 3)) {
                queryIndex = (int) r.varint();
            } else {
                r.skip(tag);
            }
        }
        r = new ProtoReader(frame, 0, length);
        while (r.hasMore()) {
            int tag = r.tag();
            if (tag != (1 << 3 | 2)) {
                r.skip(tag);
                continue;
            }
            int end = r.lengthDelimitedEnd();
            ProtoReader s = new ProtoReader(frame, r.position(), end);
            Labels.Builder labels = Labels.builder();
            buffer.count = 0;
            histograms.clear();
            while (s.hasMore()) {
                int t = s.tag();
                switch (t) {
                    case 1 << 3 | 2 -> WriteRequestDecoder.label(s, labels);
                    case 2 << 3 | 2 -> {
                        int cEnd = s.lengthDelimitedEnd();
                        ProtoReader c = new ProtoReader(frame, s.position(), cEnd);
                        long encoding = 1;
                        int dataStart = -1;
                        int dataEnd = -1;
                        while (c.hasMore()) {
                            int ct = c.tag();
                            if (ct == (3 << 3)) {
                                encoding = c.varint();
                            } else if (ct == (4 << 3 | 2)) {
                                dataEnd = c.lengthDelimitedEnd();
                                dataStart = c.position();
                                c.position(dataEnd);
                            } else {
                                c.skip(ct);
                            }
                        }
                        if (encoding < 1 || encoding > 3) {
                            throw new ProtoException("streamed read: chunk encoding " + encoding
                                    + " is not supported (XOR, HISTOGRAM and FLOAT_HISTOGRAM are)");
                        }
                        if (dataStart >= 0 && encoding == 1) {
                            XorChunkDecoder.decode(frame, dataStart, dataEnd, buffer::add);
                        } else if (dataStart >= 0) {
                            HistogramChunkDecoder.decode((int) encoding, frame, dataStart, dataEnd, histograms);
                        }
                        s.position(cEnd);
                    }
                    default -> s.skip(t);
                }
            }
            Labels built = labels.build();
            if (histograms.size() > 0) {
                sink.histograms(queryIndex, built, histograms);
            }
            sink.series(queryIndex, built, buffer.timestamps, buffer.values, buffer.count);
            r.position(end);
        }
    }

    /** Reused sample arrays. */
    private static final class Samples {
        long[] timestamps = new long[128];
        double[] values = new double[128];
        int count;

        void add(long t, double v) {
            if (count == timestamps.length) {
                timestamps = Arrays.copyOf(timestamps, count * 2);
                values = Arrays.copyOf(values, count * 2);
            }
            timestamps[count] = t;
            values[count] = v;
            count++;
        }
    }
}
