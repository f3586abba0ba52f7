package io.promethium.tsdb.internal.wal;

import io.airlift.compress.Compressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.promethium.tsdb.WalCompression;
import io.promethium.tsdb.internal.util.GrowableBytes;
import java.util.zip.CRC32C;

/**
 * Rewrites encoded records with compressed payloads, each record on its own so that replay,
 * repair and followers keep working record by record. A record that would not shrink (a short
 * series record) stays plain. Not thread-safe: one per writer at a time ({@link Wal} pools them).
 */
final class RecordCompressor {
    /** Below this a payload hardly ever shrinks: not worth the call. */
    private static final int MIN_LENGTH = 64;

    private final Compressor compressor;
    private final int bit;
    private final GrowableBytes out = new GrowableBytes(1 << 16);
    private final CRC32C crc = new CRC32C();
    private byte[] scratch = new byte[1 << 16];

    RecordCompressor(WalCompression compression) {
        switch (compression) {
            case SNAPPY -> {
                compressor = new SnappyCompressor();
                bit = WalRecords.SNAPPY_BIT;
            }
            case ZSTD -> {
                compressor = new ZstdCompressor();
                bit = WalRecords.ZSTD_BIT;
            }
            default -> throw new IllegalArgumentException("no compressor for " + compression);
        }
    }

    /**
     * The records of {@code records[0, length)} (whole, plain records as {@link WalRecords.Encoder}
     * writes them) with their payloads compressed; the buffer is reused by the next call.
     */
    GrowableBytes compress(byte[] records, int length) {
        out.reset();
        int pos = 0;
        while (pos < length) {
            byte type = records[pos];
            int len = ((records[pos + 1] & 0xff) << 24) | ((records[pos + 2] & 0xff) << 16)
                    | ((records[pos + 3] & 0xff) << 8) | (records[pos + 4] & 0xff);
            int payload = pos + WalRecords.HEADER;
            int n = len < MIN_LENGTH ? len : compress(records, payload, len);
            if (n < len) {
                crc.reset();
                crc.update(scratch, 0, n);
                out.ensure(WalRecords.HEADER + n);
                out.writeByte(type | bit);
                out.writeInt(n);
                out.writeInt((int) crc.getValue());
                out.writeBytes(scratch, 0, n);
            } else {
                out.writeBytes(records, pos, WalRecords.HEADER + len);
            }
            pos = payload + len;
        }
        return out;
    }

    private int compress(byte[] in, int offset, int length) {
        int max = compressor.maxCompressedLength(length);
        if (scratch.length < max) {
            scratch = new byte[Math.max(max, scratch.length * 2)];
        }
        return compressor.compress(in, offset, length, scratch, 0, scratch.length);
    }
}
