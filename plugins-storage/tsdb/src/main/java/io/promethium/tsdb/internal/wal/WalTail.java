package io.promethium.tsdb.internal.wal;

import static java.util.Objects.requireNonNull;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.AppendTotals;
import io.promethium.api.storage.WalPosition;
import io.promethium.api.storage.WalVisitor;
import io.promethium.api.storage.WalWatchable;
import io.promethium.tsdb.internal.util.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * Follows the WAL for readers such as remote write: reads complete, CRC-checked records from a
 * position up to what the writer has acknowledged, never past it, so a record being written is
 * never seen half. Each call opens the segment read-only, so a reader never blocks the writer and
 * a segment deleted by a checkpoint stays readable while open. One instance serves many readers;
 * calls are independent.
 */
public final class WalTail implements WalWatchable {
    private static final int MAX_RECORD = 256 << 20;

    private final Wal wal;
    private final Supplier<AppendTotals> appended;

    /** @param appended what the storage's appenders committed, read at each {@link #appended()} */
    public WalTail(Wal wal, Supplier<AppendTotals> appended) {
        this.wal = requireNonNull(wal, "wal is null");
        this.appended = requireNonNull(appended, "appended is null");
    }

    @Override
    public AppendTotals appended() {
        return appended.get();
    }

    @Override
    public Path stateDirectory() {
        return WalFiles.followersDir(wal.dir());
    }

    @Override
    public WalPosition end() {
        return wal.end();
    }

    @Override
    public WalPosition oldest() throws IOException {
        List<Integer> segments = WalFiles.segments(wal.dir());
        int checkpoint = WalFiles.lastCheckpoint(wal.dir());
        for (int seg : segments) {
            if (seg > checkpoint) {
                return new WalPosition(seg, 0);
            }
        }
        return wal.end();
    }

    @Override
    public void seriesBefore(WalPosition position, WalVisitor visitor) throws IOException {
        WalRecords.Visitor seriesOnly = seriesOnly(visitor);
        Path dir = wal.dir();
        int checkpoint = WalFiles.lastCheckpoint(dir);
        if (checkpoint >= 0) {
            Path cp = WalFiles.checkpointDir(dir, checkpoint);
            for (int seg : WalFiles.segments(cp)) {
                readRange(cp.resolve(WalFiles.segmentName(seg)), 0, Long.MAX_VALUE, Long.MAX_VALUE, seriesOnly);
            }
        }
        for (int seg : WalFiles.segments(dir)) {
            if (seg <= checkpoint || seg > position.segment()) {
                continue;
            }
            long limit = seg == position.segment() ? position.offset() : Long.MAX_VALUE;
            readRange(dir.resolve(WalFiles.segmentName(seg)), 0, limit, Long.MAX_VALUE, seriesOnly);
        }
    }

    @Override
    public WalPosition read(WalPosition from, long maxBytes, WalVisitor visitor) throws IOException {
        WalRecords.Visitor all = all(visitor);
        WalPosition end = wal.end();
        WalPosition at = from;
        WalPosition oldest = oldest();
        if (at.compareTo(oldest) < 0) {
            at = oldest;
        }
        long budget = maxBytes;
        while (budget > 0 && at.compareTo(end) < 0) {
            boolean last = at.segment() == end.segment();
            long limit = last ? end.offset() : Long.MAX_VALUE;
            Path path = wal.dir().resolve(WalFiles.segmentName(at.segment()));
            long reached;
            try {
                reached = readRange(path, at.offset(), limit, budget, all);
            } catch (NoSuchFileException e) {
                reached = -1;
            }
            if (last) {
                return new WalPosition(at.segment(), Math.max(reached, at.offset()));
            }
            if (reached >= 0) {
                budget -= reached - at.offset();
            }
            long size = reached < 0 ? -1 : sizeOf(path);
            if (reached >= 0 && reached < size && budget <= 0) {
                return new WalPosition(at.segment(), reached);
            }
            // The segment is complete (a later one exists): whatever is past the last good record
            // is a torn tail the writer abandoned, so the next record is in the next segment.
            at = nextSegment(at.segment(), end);
        }
        return at;
    }

    private WalPosition nextSegment(int segment, WalPosition end) throws IOException {
        for (int seg : WalFiles.segments(wal.dir())) {
            if (seg > segment) {
                return new WalPosition(seg, 0);
            }
        }
        return end;
    }

    private static long sizeOf(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return ch.size();
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    /**
     * Reads records starting at {@code offset} while they end at or before {@code limit} and until
     * about {@code budget} bytes were read; returns the offset after the last good record.
     */
    private static long readRange(Path path, long offset, long limit, long budget, WalRecords.Visitor visitor) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = Math.min(ch.size(), limit);
            long pos = offset;
            long read = 0;
            ByteBuffer header = ByteBuffer.allocate(WalRecords.HEADER);
            byte[] payload = new byte[1 << 16];
            CRC32C crc = new CRC32C();
            RecordDecompressor records = new RecordDecompressor(MAX_RECORD);
            while (read < budget && pos + WalRecords.HEADER <= size) {
                header.clear();
                readFully(ch, header, pos);
                byte type = header.get(0);
                int length = header.getInt(1);
                int sum = header.getInt(5);
                if (!WalRecords.validType(type) || length < 0 || length > MAX_RECORD
                        || pos + WalRecords.HEADER + length > size) {
                    return pos;
                }
                if (payload.length < length) {
                    payload = new byte[Math.max(length, payload.length * 2)];
                }
                readFully(ch, ByteBuffer.wrap(payload, 0, length), pos + WalRecords.HEADER);
                crc.reset();
                crc.update(payload, 0, length);
                if ((int) crc.getValue() != sum) {
                    return pos;
                }
                try {
                    records.decode(type, payload, length, visitor);
                } catch (FormatException e) {
                    return pos;
                }
                pos += WalRecords.HEADER + length;
                read += WalRecords.HEADER + length;
            }
            return pos;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, p);
            if (n < 0) {
                throw new IOException("unexpected end of WAL segment");
            }
            p += n;
        }
    }

    private static WalRecords.Visitor seriesOnly(WalVisitor visitor) {
        return new WalRecords.Visitor() {
            @Override
            public void series(long ref, Labels labels) {
                visitor.series(ref, labels);
            }

            @Override
            public void sample(long ref, long t, double v) {
            }

            @Override
            public void tombstone(long ref, long mint, long maxt) {
            }
        };
    }

    private static WalRecords.Visitor all(WalVisitor visitor) {
        return new WalRecords.Visitor() {
            @Override
            public void series(long ref, Labels labels) {
                visitor.series(ref, labels);
            }

            @Override
            public void sample(long ref, long t, double v) {
                visitor.sample(ref, t, v);
            }

            @Override
            public void tombstone(long ref, long mint, long maxt) {
                // Deletions do not travel: remote write sends what was appended.
            }

            @Override
            public void histogram(long ref, long t, io.promethium.api.model.Histogram h) {
                visitor.histogram(ref, t, h);
            }

            @Override
            public void floatHistogram(long ref, long t, io.promethium.api.model.FloatHistogram h) {
                visitor.floatHistogram(ref, t, h);
            }

            @Override
            public void exemplar(long ref, io.promethium.api.model.Exemplar e) {
                visitor.exemplar(ref, e);
            }

            @Override
            public void startTimestamp(long ref, long t, long start) {
                visitor.startTimestamp(ref, t, start);
            }

            @Override
            public void metadata(long ref, io.promethium.api.model.Metadata m) {
                visitor.metadata(ref, m);
            }
        };
    }
}
