package io.promethium.tsdb.internal.wal;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.tsdb.internal.util.ByteReader;
import io.promethium.tsdb.internal.util.FormatException;
import io.promethium.tsdb.internal.util.GrowableBytes;
import java.util.zip.CRC32C;

/**
 * WAL record framing and payloads. A record is {@code type:1 | length:4 | crc32c:4 | payload},
 * the CRC over the payload as stored. Type 0 never occurs, so zeroed space reads as a torn tail.
 * The type byte's low five bits are the record type; bit 5 or bit 6 set means the payload is
 * snappy- or zstd-compressed ({@link RecordCompressor}), bit 7 is never set.
 */
public final class WalRecords {
    public static final int HEADER = 9;
    public static final byte SERIES = 1;
    public static final byte SAMPLES = 2;
    public static final byte TOMBSTONES = 3;
    /** The record type's bits of the type byte. */
    public static final int TYPE_MASK = 0x1f;
    /** Set in the type byte when the payload is snappy-compressed. */
    public static final int SNAPPY_BIT = 0x20;
    /** Set in the type byte when the payload is zstd-compressed. */
    public static final int ZSTD_BIT = 0x40;
    /** Exemplars (Prometheus's record type 4). */
    public static final byte EXEMPLARS = 4;
    /** Series metadata (Prometheus's record type 6). */
    public static final byte METADATA = 6;
    /** Integer native histogram samples (Prometheus's type 7; custom buckets included). */
    public static final byte HISTOGRAMS = 7;
    /** Float native histogram samples (Prometheus's type 8; custom buckets included). */
    public static final byte FLOAT_HISTOGRAMS = 8;
    /**
     * Float samples by column (our own number, above Prometheus's): what new WALs write instead
     * of {@link #SAMPLES}, which old WALs hold and replay still reads. Each column alone is
     * regular (refs counting up, one scrape time, the values' exponent bytes alike), which the
     * record compressors turn into far fewer bytes than interleaved entries.
     */
    public static final byte SAMPLE_COLUMNS = 16;
    /**
     * Start timestamps of the samples of the records that follow in the same commit (our own
     * number, well above Prometheus's): entries {@code uvarint ref, varint t, varint start - t},
     * only for samples that have a start. Sample records stay as they were, so series without
     * start timestamps log nothing more and a WAL without this record replays as before.
     */
    public static final byte START_TIMESTAMPS = 20;
    /**
     * Series metadata with its metric family's name (our own number): {@link #METADATA}'s entries
     * followed by the family ({@code string}, empty when unknown). What new WALs write instead of
     * {@link #METADATA}, which old WALs hold and replay still reads: an OpenMetrics counter's family
     * ({@code foo} for series {@code foo_total}) survives a restart.
     */
    public static final byte METADATA_FAMILY = 21;

    /** Whether {@code type} is a record type this version writes (readers refuse others as corruption). */
    public static boolean known(int type) {
        return type == SERIES || type == SAMPLES || type == SAMPLE_COLUMNS || type == TOMBSTONES || type == EXEMPLARS || type == METADATA
                || type == HISTOGRAMS || type == FLOAT_HISTOGRAMS || type == START_TIMESTAMPS || type == METADATA_FAMILY;
    }

    private WalRecords() {
    }

    /** Whether a type byte names a known record type and at most one compression. */
    public static boolean validType(byte type) {
        int base = type & TYPE_MASK;
        int flags = type & ~TYPE_MASK & 0xff;
        return known(base) && (flags == 0 || flags == SNAPPY_BIT || flags == ZSTD_BIT);
    }

    /** Receives decoded records. */
    public interface Visitor {
        void series(long ref, Labels labels);

        /**
         * Whether the series entry of {@code ref} is wanted at all: false skips its labels
         * without decoding them (a checkpoint drops most series records of ended series).
         */
        default boolean wantsSeries(long ref) {
            return true;
        }

        void sample(long ref, long t, double v);

        void tombstone(long ref, long mint, long maxt);

        /** An integer histogram sample; the object is new for each entry and may be kept. */
        default void histogram(long ref, long t, Histogram h) {
        }

        /** A float histogram sample; the object is new for each entry and may be kept. */
        default void floatHistogram(long ref, long t, FloatHistogram h) {
        }

        default void exemplar(long ref, Exemplar e) {
        }

        default void metadata(long ref, Metadata m) {
        }

        /** The start timestamp of the sample of {@code ref} at {@code t}, which a later record of the commit holds. */
        default void startTimestamp(long ref, long t, long start) {
        }
    }

    /** A visitor that takes wanted series entries as their encoded bytes, undecoded (a checkpoint copies them). */
    public interface SeriesEntryCopier extends Visitor {
        /** The series entry of {@code ref} as {@code buf[from, to)}: ref and labels, as {@link Encoder#seriesEntry} writes them. */
        void seriesEntry(long ref, byte[] buf, int from, int to);
    }

    /** Builds records into a reusable buffer. */
    public static final class Encoder {
        private final GrowableBytes out = new GrowableBytes(4096);
        private final CRC32C crc = new CRC32C();
        private int recordStart = -1;

        public void reset() {
            out.reset();
        }

        public GrowableBytes bytes() {
            return out;
        }

        public void begin(byte type) {
            // A record begun inside another would leave the outer one's length at 0: replay would
            // read its payload as records.
            assert recordStart < 0 : "record begun at " + out.length() + " inside the one at " + recordStart;
            recordStart = out.length();
            out.writeByte(type);
            out.writeInt(0);
            out.writeInt(0);
        }

        public void end() {
            assert recordStart >= 0 : "record ended without begin";
            int payloadStart = recordStart + HEADER;
            int length = out.length() - payloadStart;
            crc.reset();
            crc.update(out.array(), payloadStart, length);
            out.putInt(recordStart + 1, length);
            out.putInt(recordStart + 5, (int) crc.getValue());
            recordStart = -1;
        }

        /** One entry of a {@link #START_TIMESTAMPS} record. */
        public void startTimestampEntry(long ref, long t, long start) {
            out.writeUvarint(ref);
            out.writeVarint(t);
            out.writeVarint(start - t);
        }

        public void seriesEntry(long ref, Labels labels) {
            out.writeUvarint(ref);
            out.writeUvarint(labels.size());
            for (int i = 0; i < labels.size(); i++) {
                out.writeString(labels.name(i));
                out.writeString(labels.value(i));
            }
        }

        /**
         * A whole samples record ({@link #SAMPLE_COLUMNS}): {@code uvarint count, uvarint baseRef,
         * varint baseTime, int refBytes, int timeBytes}, the refs as varint differences from the
         * one before (the first from baseRef), the times likewise, then the values' 8-byte bits as
         * 8 planes of {@code count} bytes, most significant byte first.
         */
        public void samples(long[] refs, long[] ts, double[] vs, int n) {
            begin(SAMPLE_COLUMNS);
            out.writeUvarint(n);
            long prevRef = n > 0 ? refs[0] : 0;
            long prevT = n > 0 ? ts[0] : 0;
            out.writeUvarint(prevRef);
            out.writeVarint(prevT);
            int lengths = out.length();
            out.writeInt(0);
            out.writeInt(0);
            out.ensure(n * 10);
            int refStart = out.length();
            for (int i = 0; i < n; i++) {
                out.writeVarint(refs[i] - prevRef);
                prevRef = refs[i];
            }
            int timeStart = out.length();
            for (int i = 0; i < n; i++) {
                out.writeVarint(ts[i] - prevT);
                prevT = ts[i];
            }
            int valueStart = out.length();
            out.putInt(lengths, timeStart - refStart);
            out.putInt(lengths + 4, valueStart - timeStart);
            out.ensure(n * 8);
            byte[] a = out.array();
            for (int i = 0; i < n; i++) {
                long bits = Double.doubleToRawLongBits(vs[i]);
                for (int k = 0; k < 8; k++) {
                    a[valueStart + k * n + i] = (byte) (bits >>> (56 - 8 * k));
                }
            }
            out.skip(n * 8);
            end();
        }

        /** A whole samples record in the interleaved layout of {@link #SAMPLES} (tests of old WALs). */
        public void samplesInterleaved(long[] refs, long[] ts, double[] vs, int n) {
            begin(SAMPLES);
            out.writeUvarint(n);
            long baseRef = n > 0 ? refs[0] : 0;
            long baseT = n > 0 ? ts[0] : 0;
            out.writeUvarint(baseRef);
            out.writeVarint(baseT);
            out.ensure(n * 20);
            for (int i = 0; i < n; i++) {
                out.writeVarint(refs[i] - baseRef);
                out.writeVarint(ts[i] - baseT);
                out.writeLong(Double.doubleToRawLongBits(vs[i]));
            }
            end();
        }

        public void tombstone(long ref, long mint, long maxt) {
            out.writeUvarint(ref);
            out.writeVarint(mint);
            out.writeVarint(maxt);
        }

        /** One entry of a {@link #HISTOGRAMS} record (between {@link #begin} and {@link #end}). */
        public void histogramEntry(long ref, long t, Histogram h) {
            out.writeUvarint(ref);
            out.writeVarint(t);
            layout(h.counterResetHint().ordinal(), h.schema(), h.zeroThreshold(), h.positiveSpans(), h.negativeSpans(), h.customValues());
            out.writeUvarint(h.zeroCount());
            out.writeUvarint(h.count());
            out.writeLong(Double.doubleToRawLongBits(h.sum()));
            out.writeUvarint(h.positiveBucketCount());
            for (int i = 0; i < h.positiveBucketCount(); i++) {
                out.writeVarint(h.positiveDelta(i));
            }
            out.writeUvarint(h.negativeBucketCount());
            for (int i = 0; i < h.negativeBucketCount(); i++) {
                out.writeVarint(h.negativeDelta(i));
            }
        }

        /** One entry of a {@link #FLOAT_HISTOGRAMS} record. */
        public void floatHistogramEntry(long ref, long t, FloatHistogram h) {
            out.writeUvarint(ref);
            out.writeVarint(t);
            layout(h.counterResetHint().ordinal(), h.schema(), h.zeroThreshold(), h.positiveSpans(), h.negativeSpans(), h.customValues());
            out.writeLong(Double.doubleToRawLongBits(h.zeroCount()));
            out.writeLong(Double.doubleToRawLongBits(h.count()));
            out.writeLong(Double.doubleToRawLongBits(h.sum()));
            out.writeUvarint(h.positiveBucketCount());
            for (int i = 0; i < h.positiveBucketCount(); i++) {
                out.writeLong(Double.doubleToRawLongBits(h.positiveBucket(i)));
            }
            out.writeUvarint(h.negativeBucketCount());
            for (int i = 0; i < h.negativeBucketCount(); i++) {
                out.writeLong(Double.doubleToRawLongBits(h.negativeBucket(i)));
            }
        }

        private void layout(int hint, int schema, double zeroThreshold, HistogramSpans pos, HistogramSpans neg, double[] custom) {
            out.writeByte(hint);
            out.writeVarint(schema);
            out.writeLong(Double.doubleToRawLongBits(zeroThreshold));
            spans(pos);
            spans(neg);
            out.writeUvarint(custom.length);
            for (double b : custom) {
                out.writeLong(Double.doubleToRawLongBits(b));
            }
        }

        private void spans(HistogramSpans spans) {
            out.writeUvarint(spans.count());
            for (int i = 0; i < spans.count(); i++) {
                out.writeVarint(spans.offset(i));
                out.writeUvarint(spans.length(i));
            }
        }

        /** One entry of an {@link #EXEMPLARS} record: the exemplar's timestamp is required. */
        public void exemplarEntry(long ref, Exemplar e) {
            out.writeUvarint(ref);
            out.writeVarint(e.timestamp());
            out.writeLong(Double.doubleToRawLongBits(e.value()));
            Labels labels = e.labels();
            out.writeUvarint(labels.size());
            for (int i = 0; i < labels.size(); i++) {
                out.writeString(labels.name(i));
                out.writeString(labels.value(i));
            }
        }

        /** One entry of a {@link #METADATA_FAMILY} record. */
        public void metadataEntry(long ref, Metadata m) {
            out.writeUvarint(ref);
            out.writeByte(m.type().ordinal());
            out.writeString(m.unit());
            out.writeString(m.help());
            out.writeString(m.family());
        }
    }

    // A count read from a record can never exceed the record's bytes; checked before allocating.
    private static int bounded(long n, int recordBytes) {
        if (n < 0 || n > recordBytes) {
            throw new FormatException("a WAL record claims " + n + " entries in " + recordBytes + " bytes");
        }
        return (int) n;
    }

    /** The bucket layout part of a histogram entry. */
    private record Layout(CounterResetHint hint, int schema, double zeroThreshold, HistogramSpans positive, HistogramSpans negative,
                          double[] custom) {
        static Layout read(ByteReader in, int recordBytes) {
            int hint = in.readByte();
            if (hint > 3) {
                throw new FormatException("unknown counter reset hint " + hint + " in a histogram record");
            }
            long schema = in.readVarint();
            if (schema != Histogram.CUSTOM_BUCKETS_SCHEMA && (schema < Histogram.MIN_SCHEMA || schema > Histogram.MAX_SCHEMA)) {
                throw new FormatException("invalid histogram schema " + schema + " in a WAL record");
            }
            double zt = Double.longBitsToDouble(in.readLong());
            HistogramSpans pos = spans(in, recordBytes);
            HistogramSpans neg = spans(in, recordBytes);
            double[] custom = new double[bounded(in.readUvarint(), recordBytes)];
            for (int i = 0; i < custom.length; i++) {
                custom[i] = Double.longBitsToDouble(in.readLong());
            }
            return new Layout(CounterResetHint.of(hint), (int) schema, zt, pos, neg, custom);
        }

        private static HistogramSpans spans(ByteReader in, int recordBytes) {
            int n = bounded(in.readUvarint(), recordBytes);
            int[] offsets = new int[n];
            int[] lengths = new int[n];
            for (int i = 0; i < n; i++) {
                long o = in.readVarint();
                long l = in.readUvarint();
                if (o < Integer.MIN_VALUE || o > Integer.MAX_VALUE || l > recordBytes) {
                    throw new FormatException("impossible histogram span " + o + ":" + l + " in a WAL record");
                }
                offsets[i] = (int) o;
                lengths[i] = (int) l;
            }
            return HistogramSpans.of(offsets, lengths);
        }
    }

    /** Decodes one record's payload; throws {@link FormatException} on malformed content. */
    public static void decode(byte type, byte[] buf, int offset, int length, Visitor visitor) {
        decode(type, buf, offset, length, visitor, null, null);
    }

    /**
     * As {@link #decode(byte, byte[], int, int, Visitor)}, label names and values looked up in
     * {@code labels} and metadata texts in {@code texts} when not null (replay: repeated strings
     * decoded once).
     */
    static void decode(byte type, byte[] buf, int offset, int length, Visitor visitor, SymbolCache labels, SymbolCache texts) {
        ByteReader in = new ByteReader(buf, offset, length);
        switch (type) {
            case SERIES -> {
                while (in.hasMore()) {
                    int from = in.position();
                    long ref = in.readUvarint();
                    if (!visitor.wantsSeries(ref)) {
                        skipLabels(in);
                        continue;
                    }
                    if (visitor instanceof SeriesEntryCopier copier) {
                        skipLabels(in);
                        copier.seriesEntry(ref, buf, from, in.position());
                        continue;
                    }
                    visitor.series(ref, labels(in, buf, labels));
                }
            }
            case SAMPLES -> {
                int n = (int) in.readUvarint();
                long baseRef = in.readUvarint();
                long baseT = in.readVarint();
                for (int i = 0; i < n; i++) {
                    long ref = baseRef + in.readVarint();
                    long t = baseT + in.readVarint();
                    double v = Double.longBitsToDouble(in.readLong());
                    visitor.sample(ref, t, v);
                }
            }
            case SAMPLE_COLUMNS -> sampleColumns(in, buf, offset + length, visitor);
            case TOMBSTONES -> {
                while (in.hasMore()) {
                    visitor.tombstone(in.readUvarint(), in.readVarint(), in.readVarint());
                }
            }
            case START_TIMESTAMPS -> {
                while (in.hasMore()) {
                    long ref = in.readUvarint();
                    long t = in.readVarint();
                    visitor.startTimestamp(ref, t, t + in.readVarint());
                }
            }
            case HISTOGRAMS -> {
                while (in.hasMore()) {
                    long ref = in.readUvarint();
                    long t = in.readVarint();
                    Layout l = Layout.read(in, length);
                    long zeroCount = in.readUvarint();
                    long count = in.readUvarint();
                    double sum = Double.longBitsToDouble(in.readLong());
                    long[] pos = new long[bounded(in.readUvarint(), length)];
                    for (int i = 0; i < pos.length; i++) {
                        pos[i] = in.readVarint();
                    }
                    long[] neg = new long[bounded(in.readUvarint(), length)];
                    for (int i = 0; i < neg.length; i++) {
                        neg[i] = in.readVarint();
                    }
                    visitor.histogram(ref, t, new Histogram(l.hint, l.schema, l.zeroThreshold, zeroCount, count, sum, l.positive, pos,
                            l.negative, neg, l.custom));
                }
            }
            case FLOAT_HISTOGRAMS -> {
                while (in.hasMore()) {
                    long ref = in.readUvarint();
                    long t = in.readVarint();
                    Layout l = Layout.read(in, length);
                    double zeroCount = Double.longBitsToDouble(in.readLong());
                    double count = Double.longBitsToDouble(in.readLong());
                    double sum = Double.longBitsToDouble(in.readLong());
                    double[] pos = new double[bounded(in.readUvarint(), length)];
                    for (int i = 0; i < pos.length; i++) {
                        pos[i] = Double.longBitsToDouble(in.readLong());
                    }
                    double[] neg = new double[bounded(in.readUvarint(), length)];
                    for (int i = 0; i < neg.length; i++) {
                        neg[i] = Double.longBitsToDouble(in.readLong());
                    }
                    visitor.floatHistogram(ref, t, new FloatHistogram(l.hint, l.schema, l.zeroThreshold, zeroCount, count, sum,
                            l.positive, pos, l.negative, neg, l.custom));
                }
            }
            case EXEMPLARS -> {
                while (in.hasMore()) {
                    long ref = in.readUvarint();
                    long t = in.readVarint();
                    double v = Double.longBitsToDouble(in.readLong());
                    // Through the texts' cache, not the head's symbols: an exemplar's labels (a
                    // trace id) belong to no series, and nothing would ever drop them there.
                    visitor.exemplar(ref, new Exemplar(labels(in, buf, texts), v, t, true));
                }
            }
            case METADATA, METADATA_FAMILY -> {
                MetricType[] types = MetricType.values();
                while (in.hasMore()) {
                    long ref = in.readUvarint();
                    int kind = in.readByte();
                    if (kind < 0 || kind >= types.length) {
                        throw new FormatException("unknown metric type " + kind + " in a metadata record");
                    }
                    String unit = string(in, buf, texts);
                    String help = string(in, buf, texts);
                    String family = type == METADATA_FAMILY ? string(in, buf, texts) : "";
                    visitor.metadata(ref, new Metadata(types[kind], help, unit, family));
                }
            }
            default -> throw new FormatException("unknown WAL record type " + type);
        }
    }

    /** Moves past a series entry's labels (a count, then names and values as length-prefixed bytes). */
    private static void skipLabels(ByteReader in) {
        int n = in.readLength();
        for (int i = 0; i < 2 * n; i++) {
            in.skip(in.readLength());
        }
    }

    private static Labels labels(ByteReader in, byte[] buf, SymbolCache cache) {
        int n = in.readLength();
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < n; i++) {
            b.set(string(in, buf, cache), string(in, buf, cache));
        }
        return b.build();
    }

    private static String string(ByteReader in, byte[] buf, SymbolCache cache) {
        if (cache == null) {
            return in.readString();
        }
        int n = in.readLength();
        int at = in.position();
        in.skip(n);
        return cache.get(buf, at, n);
    }

    private static void sampleColumns(ByteReader in, byte[] buf, int end, Visitor visitor) {
        long[] head = columnsHeader(in, end);
        int n = (int) head[0];
        long ref = head[1];
        long t = head[2];
        int refStart = in.position();
        int refBytes = (int) head[3];
        int timeBytes = (int) head[4];
        ByteReader refs = new ByteReader(buf, refStart, refBytes);
        ByteReader times = new ByteReader(buf, refStart + refBytes, timeBytes);
        int values = refStart + refBytes + timeBytes;
        for (int i = 0; i < n; i++) {
            ref += refs.readVarint();
            t += times.readVarint();
            visitor.sample(ref, t, planeValue(buf, values, i, n));
        }
        columnsEnd(refs, times, n);
    }

    /**
     * The sample count of a {@link #SAMPLE_COLUMNS} payload (for sizing arrays before
     * {@link #sampleColumns(byte[], int, int, long[], long[], double[], int)}).
     */
    static int sampleColumnsCount(byte[] buf, int offset, int length) {
        ByteReader in = new ByteReader(buf, offset, length);
        return (int) columnsHeader(in, offset + length)[0];
    }

    /**
     * Decodes a {@link #SAMPLE_COLUMNS} payload into the arrays from index {@code at} (room for
     * {@link #sampleColumnsCount} entries); the bulk form of {@link #decode} for replay.
     */
    static void sampleColumns(byte[] buf, int offset, int length, long[] refsOut, long[] tsOut, double[] vsOut, int at) {
        ByteReader in = new ByteReader(buf, offset, length);
        long[] head = columnsHeader(in, offset + length);
        int n = (int) head[0];
        long ref = head[1];
        long t = head[2];
        int refStart = in.position();
        int refBytes = (int) head[3];
        int timeBytes = (int) head[4];
        ByteReader refs = new ByteReader(buf, refStart, refBytes);
        ByteReader times = new ByteReader(buf, refStart + refBytes, timeBytes);
        for (int i = 0; i < n; i++) {
            ref += refs.readVarint();
            t += times.readVarint();
            refsOut[at + i] = ref;
            tsOut[at + i] = t;
        }
        columnsEnd(refs, times, n);
        int values = refStart + refBytes + timeBytes;
        for (int i = 0; i < n; i++) {
            vsOut[at + i] = planeValue(buf, values, i, n);
        }
    }

    /** Value {@code i} of {@code n} from the 8 byte planes at {@code values}, most significant plane first. */
    private static double planeValue(byte[] buf, int values, int i, int n) {
        long bits = 0;
        for (int k = 0, p = values + i; k < 8; k++, p += n) {
            bits = (bits << 8) | (buf[p] & 0xff);
        }
        return Double.longBitsToDouble(bits);
    }

    /** Reads and checks a columns header: {count, baseRef, baseTime, refBytes, timeBytes}; leaves {@code in} at the ref column. */
    private static long[] columnsHeader(ByteReader in, int end) {
        long count = in.readUvarint();
        long ref = in.readUvarint();
        long t = in.readVarint();
        int refBytes = in.readInt();
        int timeBytes = in.readInt();
        long left = end - (long) in.position();
        if (count < 0 || refBytes < 0 || timeBytes < 0 || (long) refBytes + timeBytes + count * 8 != left) {
            throw new FormatException("a samples record's columns (" + count + " samples, " + refBytes + " and " + timeBytes
                    + " bytes) do not fill its " + left + " bytes");
        }
        return new long[] {count, ref, t, refBytes, timeBytes};
    }

    private static void columnsEnd(ByteReader refs, ByteReader times, int n) {
        if (refs.hasMore() || times.hasMore()) {
            throw new FormatException("a samples record's ref or time column holds more than its " + n + " samples");
        }
    }
}
