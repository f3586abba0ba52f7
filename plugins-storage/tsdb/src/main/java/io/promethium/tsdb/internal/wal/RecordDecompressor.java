package io.promethium.tsdb.internal.wal;

import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import io.promethium.tsdb.internal.util.FormatException;

/**
 * Decodes a record whatever its compression: plain payloads directly, compressed ones after
 * inflating them into a reused buffer. Anything the decompressor cannot read is a
 * {@link FormatException}, so a corrupt compressed record is repaired like any other corrupt
 * record. Not thread-safe.
 */
final class RecordDecompressor {
    private final int maxRecord;
    private final SnappyDecompressor snappy = new SnappyDecompressor();
    private final ZstdDecompressor zstd = new ZstdDecompressor();
    private byte[] buf = new byte[1 << 16];
    private int lastInflated;
    private byte[] plain;
    private int plainOffset;

    RecordDecompressor(int maxRecord) {
        this.maxRecord = maxRecord;
    }

    /** Decodes one record whose type byte passed {@link WalRecords#validType}. */
    void decode(byte type, byte[] payload, int length, WalRecords.Visitor visitor) {
        int n = inflate(type, payload, 0, length);
        WalRecords.decode((byte) (type & WalRecords.TYPE_MASK), plain, plainOffset, n, visitor);
    }

    /**
     * Makes the plain payload of a record at {@code payload[offset, offset + length)} available as
     * {@link #plain()} from {@link #plainOffset()}; returns its length. A plain record is not copied.
     */
    int inflate(byte type, byte[] payload, int offset, int length) {
        int flags = type & ~WalRecords.TYPE_MASK & 0xff;
        if (flags == 0) {
            plain = payload;
            plainOffset = offset;
            return length;
        }
        int n;
        try {
            n = flags == WalRecords.SNAPPY_BIT ? inflateSnappy(payload, offset, length) : inflateZstd(payload, offset, length);
        } catch (RuntimeException e) {
            if (e instanceof FormatException f) {
                throw f;
            }
            // The library's MalformedInputException and the bounds errors of truncated input alike.
            throw new FormatException("undecodable compressed WAL record: " + e.getMessage());
        }
        lastInflated = n;
        plain = buf;
        plainOffset = 0;
        return n;
    }

    /** The buffer holding the payload {@link #inflate} made plain. */
    byte[] plain() {
        return plain;
    }

    int plainOffset() {
        return plainOffset;
    }

    /** The payload length of the last compressed record decoded, once inflated (statistics). */
    int lastInflated() {
        return lastInflated;
    }

    private int inflateSnappy(byte[] payload, int offset, int length) {
        int size = SnappyDecompressor.getUncompressedLength(payload, offset);
        ensure(size);
        return snappy.decompress(payload, offset, length, buf, 0, size);
    }

    private int inflateZstd(byte[] payload, int offset, int length) {
        long size = ZstdDecompressor.getDecompressedSize(payload, offset, length);
        if (size < 0) {
            throw new FormatException("zstd frame without its content size");
        }
        ensure(size);
        return zstd.decompress(payload, offset, length, buf, 0, (int) size);
    }

    private void ensure(long size) {
        if (size < 0 || size > maxRecord) {
            throw new FormatException("compressed WAL record claims " + size + " bytes");
        }
        if (buf.length < size) {
            buf = new byte[(int) Math.max(size, Math.min(maxRecord, buf.length * 2L))];
        }
    }
}
