package io.promethium.tsdb.internal.wal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts a WAL's records by type: how many, the bytes they take on disk (header included) and
 * their payload bytes once inflated, and the entries they hold. Reads checkpoints and segments
 * alike and stops at a segment's first unreadable record (as replay would), never repairing.
 */
public final class WalStats {
    /** Figures of one record type. */
    public static final class Row {
        public long records;
        public long compressed;
        public long storedBytes;
        public long payloadBytes;
        public long entries;
    }

    /** Rows by record type name, and the files read with the bytes left unread in them. */
    public record Result(Map<String, Row> rows, long fileBytes, long unreadBytes, int files) {
    }

    private WalStats() {
    }

    public static Result of(Path walDir) throws IOException {
        Map<String, Row> rows = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        int checkpoint = WalFiles.lastCheckpoint(walDir);
        if (checkpoint >= 0) {
            Path cp = WalFiles.checkpointDir(walDir, checkpoint);
            for (int seg : WalFiles.segments(cp)) {
                files.add(cp.resolve(WalFiles.segmentName(seg)));
            }
        }
        for (int seg : WalFiles.segments(walDir)) {
            if (seg > checkpoint) {
                files.add(walDir.resolve(WalFiles.segmentName(seg)));
            }
        }
        long fileBytes = 0;
        long unread = 0;
        RecordDecompressor decompressor = new RecordDecompressor(256 << 20);
        byte[] header = new byte[WalRecords.HEADER];
        byte[] payload = new byte[1 << 16];
        for (Path file : files) {
            long size = Files.size(file);
            fileBytes += size;
            long read = 0;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
                while (in.readNBytes(header, 0, header.length) == header.length && WalRecords.validType(header[0])) {
                    int length = ((header[1] & 0xff) << 24) | ((header[2] & 0xff) << 16) | ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                    if (length < 0 || length > 256 << 20) {
                        break;
                    }
                    if (payload.length < length) {
                        payload = new byte[length];
                    }
                    if (in.readNBytes(payload, 0, length) < length) {
                        break;
                    }
                    Row row = rows.computeIfAbsent(name(header[0] & WalRecords.TYPE_MASK), k -> new Row());
                    row.records++;
                    row.storedBytes += WalRecords.HEADER + length;
                    if ((header[0] & ~WalRecords.TYPE_MASK) != 0) {
                        row.compressed++;
                    }
                    Counter counter = new Counter();
                    decompressor.decode(header[0], payload, length, counter);
                    row.entries += counter.entries;
                    row.payloadBytes += counter.inflated(decompressor, length, header[0]);
                    read += WalRecords.HEADER + length;
                }
            }
            unread += size - read;
        }
        return new Result(rows, fileBytes, unread, files.size());
    }

    static String name(int type) {
        return switch (type) {
            case WalRecords.SERIES -> "series";
            case WalRecords.SAMPLES -> "samples";
            case WalRecords.SAMPLE_COLUMNS -> "sample columns";
            case WalRecords.TOMBSTONES -> "tombstones";
            case WalRecords.EXEMPLARS -> "exemplars";
            case WalRecords.METADATA, WalRecords.METADATA_FAMILY -> "metadata";
            case WalRecords.START_TIMESTAMPS -> "start timestamps";
            case WalRecords.HISTOGRAMS -> "histograms";
            case WalRecords.FLOAT_HISTOGRAMS -> "float histograms";
            default -> "type " + type;
        };
    }

    private static final class Counter implements WalRecords.Visitor {
        long entries;

        long inflated(RecordDecompressor d, int stored, byte type) {
            return (type & ~WalRecords.TYPE_MASK) == 0 ? stored : d.lastInflated();
        }

        @Override
        public void series(long ref, Labels labels) {
            entries++;
        }

        @Override
        public void sample(long ref, long t, double v) {
            entries++;
        }

        @Override
        public void tombstone(long ref, long mint, long maxt) {
            entries++;
        }

        @Override
        public void histogram(long ref, long t, io.promethium.api.model.Histogram h) {
            entries++;
        }

        @Override
        public void floatHistogram(long ref, long t, io.promethium.api.model.FloatHistogram h) {
            entries++;
        }

        @Override
        public void exemplar(long ref, io.promethium.api.model.Exemplar e) {
            entries++;
        }

        @Override
        public void metadata(long ref, Metadata m) {
            entries++;
        }
    }
}
