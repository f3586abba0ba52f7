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

    RecordDecompressor(int maxRecord) {
        this.maxRecord = maxRecord;
    }

    /** Decodes one record whose type byte passed {@link WalRecords#validType}. */
    void decode(byte type, byte[] payload, int length, WalRecords.Visitor visitor) {
        byte base = (byte) (type & WalRecords.TYPE_MASK);
        int flags = type & ~WalRecords.TYPE_MASK & 0xff;
        if (flags == 0) {
            WalRecords.decode(base, payload, 0, length, visitor);
            return;
        }
        int n;
        try {
            n = flags == WalRecords.SNAPPY_BIT ? inflateSnappy(payload, length) : inflateZstd(payload, length);
        } catch (RuntimeException e) {
            // The library's MalformedInputException and the bounds errors of truncated input alike.
            throw new FormatException("undecodable compressed WAL record: " + e.getMessage());
        }
        lastInflated = n;
        WalRecords.decode(base, buf, 0, n, visitor);
    }

    /** The payload length of the last compressed record decoded, once inflated (statistics). */
    int lastInflated() {
        return lastInflated;
    }

    private int inflateSnappy(byte[] payload, int length) {
        int size = SnappyDecompressor.getUncompressedLength(payload, 0);
        ensure(size);
        return snappy.decompress(payload, 0, length, buf, 0, size);
    }

    private int inflateZstd(byte[] payload, int length) {
        long size = ZstdDecompressor.getDecompressedSize(payload, 0, length);
        if (size < 0) {
            throw new FormatException("zstd frame without its content size");
        }
        ensure(size);
        return zstd.decompress(payload, 0, length, buf, 0, (int) size);
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
