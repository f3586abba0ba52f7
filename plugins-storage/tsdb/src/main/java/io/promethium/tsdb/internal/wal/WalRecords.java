package io.promethium.tsdb.internal.wal;

import io.promethium.api.model.Labels;
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
    /** The highest record type this version reads. */
    static final byte LAST_TYPE = TOMBSTONES;
    /** The record type's bits of the type byte. */
    public static final int TYPE_MASK = 0x1f;
    /** Set in the type byte when the payload is snappy-compressed. */
    public static final int SNAPPY_BIT = 0x20;
    /** Set in the type byte when the payload is zstd-compressed. */
    public static final int ZSTD_BIT = 0x40;

    private WalRecords() {
    }

    /** Whether a type byte names a known record type and at most one compression. */
    public static boolean validType(byte type) {
        int base = type & TYPE_MASK;
        int flags = type & ~TYPE_MASK & 0xff;
        return base >= SERIES && base <= LAST_TYPE && (flags == 0 || flags == SNAPPY_BIT || flags == ZSTD_BIT);
    }

    /** Receives decoded records. */
    public interface Visitor {
        void series(long ref, Labels labels);

        void sample(long ref, long t, double v);

        void tombstone(long ref, long mint, long maxt);
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
            recordStart = out.length();
            out.writeByte(type);
            out.writeInt(0);
            out.writeInt(0);
        }

        public void end() {
            int payloadStart = recordStart + HEADER;
            int length = out.length() - payloadStart;
            crc.reset();
            crc.update(out.array(), payloadStart, length);
            out.putInt(recordStart + 1, length);
            out.putInt(recordStart + 5, (int) crc.getValue());
            recordStart = -1;
        }

        public void seriesEntry(long ref, Labels labels) {
            out.writeUvarint(ref);
            out.writeUvarint(labels.size());
            for (int i = 0; i < labels.size(); i++) {
                out.writeString(labels.name(i));
                out.writeString(labels.value(i));
            }
        }

        /** A whole samples record. */
        public void samples(long[] refs, long[] ts, double[] vs, int n) {
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
    }

    /** Decodes one record's payload; throws {@link FormatException} on malformed content. */
    public static void decode(byte type, byte[] buf, int offset, int length, Visitor visitor) {
        ByteReader in = new ByteReader(buf, offset, length);
        switch (type) {
            case SERIES -> {
                while (in.hasMore()) {
                    long ref = in.readUvarint();
                    int n = in.readLength();
                    Labels.Builder b = Labels.builder();
                    for (int i = 0; i < n; i++) {
                        b.set(in.readString(), in.readString());
                    }
                    visitor.series(ref, b.build());
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
            case TOMBSTONES -> {
                while (in.hasMore()) {
                    visitor.tombstone(in.readUvarint(), in.readVarint(), in.readVarint());
                }
            }
            default -> throw new FormatException("unknown WAL record type " + type);
        }
    }
}
