package io.promethium.tsdb.internal.wal;

import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import io.promethium.tsdb.internal.util.FormatException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * Replays the WAL: the newest checkpoint, then the segments after it. At the first torn or
 * corrupt record the segment is truncated there and later segments are deleted (they cannot be
 * trusted to follow on), the corruption is counted and logged, and replay ends normally.
 */
public final class WalReader {
    private static final Logger LOG = Logger.getLogger(WalReader.class.getName());
    private static final int MAX_RECORD = 256 << 20;

    private final TsdbMetrics metrics;
    private byte[] payload = new byte[1 << 16];
    private final byte[] header = new byte[WalRecords.HEADER];
    private final CRC32C crc = new CRC32C();
    private final RecordDecompressor records = new RecordDecompressor(MAX_RECORD);

    public WalReader(TsdbMetrics metrics) {
        this.metrics = metrics;
    }

    /** Replays everything; returns the index the next writer segment should use. */
    public int replay(Path dir, WalRecords.Visitor visitor) throws IOException {
        int checkpoint = WalFiles.lastCheckpoint(dir);
        if (checkpoint >= 0) {
            Path cp = WalFiles.checkpointDir(dir, checkpoint);
            for (int seg : WalFiles.segments(cp)) {
                long bad = readSegment(cp.resolve(WalFiles.segmentName(seg)), visitor);
                if (bad >= 0) {
                    metrics.walCorruptions.increment();
                    LOG.warning("WAL checkpoint " + cp + " corrupt at segment " + seg + " offset " + bad
                            + "; its remaining records are lost");
                    break;
                }
            }
        }
        List<Integer> segments = WalFiles.segments(dir);
        int next = checkpoint + 1;
        boolean corrupt = false;
        for (int seg : segments) {
            if (seg <= checkpoint) {
                continue;
            }
            Path path = dir.resolve(WalFiles.segmentName(seg));
            if (corrupt) {
                LOG.warning("deleting WAL segment " + path + " after a corrupt one");
                Files.deleteIfExists(path);
                continue;
            }
            long bad = readSegment(path, visitor);
            next = seg + 1;
            if (bad >= 0) {
                corrupt = true;
                metrics.walCorruptions.increment();
                LOG.log(Level.WARNING, "WAL segment " + path + " torn or corrupt at offset " + bad + "; truncating there");
                try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                    ch.truncate(bad);
                    ch.force(true);
                }
            }
        }
        return next;
    }

    /** Reads a segment; returns the offset of the first bad record, or -1 when all is well. */
    long readSegment(Path path, WalRecords.Visitor visitor) throws IOException {
        long offset = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 20)) {
            while (true) {
                int got = in.readNBytes(header, 0, header.length);
                if (got == 0) {
                    return -1;
                }
                if (got < header.length) {
                    return offset;
                }
                byte type = header[0];
                int length = ((header[1] & 0xff) << 24) | ((header[2] & 0xff) << 16) | ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                int sum = ((header[5] & 0xff) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8) | (header[8] & 0xff);
                if (!WalRecords.validType(type) || length < 0 || length > MAX_RECORD) {
                    return offset;
                }
                if (payload.length < length) {
                    payload = new byte[Math.max(length, payload.length * 2)];
                }
                if (in.readNBytes(payload, 0, length) < length) {
                    return offset;
                }
                crc.reset();
                crc.update(payload, 0, length);
                if ((int) crc.getValue() != sum) {
                    return offset;
                }
                try {
                    records.decode(type, payload, length, visitor);
                } catch (FormatException e) {
                    return offset;
                }
                offset += WalRecords.HEADER + length;
            }
        }
    }
}
