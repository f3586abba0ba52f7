package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static io.promethium.tsdb.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.WalPosition;
import io.promethium.api.storage.WalVisitor;
import io.promethium.api.storage.WalWatchable;
import io.promethium.tsdb.TestSupport.Sample;
import io.promethium.tsdb.internal.wal.WalRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** WAL compression: on by default, each record on its own, old plain WALs still replay. */
class WalCompressionTest {
    @TempDir
    Path dir;

    private static void fill(Tsdb db, int series, int from, int to) {
        for (int t = from; t < to; t++) {
            Appender app = db.appender();
            for (int s = 0; s < series; s++) {
                // Counter-like values, as scrapes deliver them.
                app.append(0, Labels.of("__name__", "node_cpu_seconds_total", "cpu", Integer.toString(s), "mode", "idle"),
                        t * 15_000L, 1000.0 + t * 0.25 * s);
            }
            app.commit();
        }
    }

    /** Gauge-like values with noise in every bit, so records stay large after compression. */
    private static void fillNoisy(Tsdb db, int series, int from, int to) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int t = from; t < to; t++) {
            Appender app = db.appender();
            for (int s = 0; s < series; s++) {
                app.append(0, Labels.of("__name__", "node_load1", "s", Integer.toString(s)), t * 15_000L, random.nextDouble());
            }
            app.commit();
        }
    }

    private static long walBytes(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("wal"))) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static Path lastSegment(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("wal"))) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{8}")).filter(p -> p.toFile().length() > 0)
                    .sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    @Test
    void compressionIsOnByDefaultAsSnappy() {
        assertThat(TsdbOptions.defaults(dir).walCompression()).isEqualTo(WalCompression.SNAPPY);
    }

    @ParameterizedTest
    @EnumSource(value = WalCompression.class, names = {"SNAPPY", "ZSTD"})
    void compressedWalReplaysEverySampleExactlyAndIsSmallerThanPlain(WalCompression compression) throws IOException {
        Path plain = dir.resolve("plain");
        Path packed = dir.resolve("packed");
        try (Tsdb db = Tsdb.open(options(plain).withWalCompression(WalCompression.NONE))) {
            fill(db, 200, 0, 60);
        }
        try (Tsdb db = Tsdb.open(options(packed).withWalCompression(compression))) {
            fill(db, 200, 0, 60);
        }
        assertThat(walBytes(packed)).isLessThan(walBytes(plain) * 3 / 4);
        try (Tsdb db = Tsdb.open(options(packed).withWalCompression(compression))) {
            assertThat(db.metrics().walCorruptions.sum()).isZero();
            Map<Labels, List<Sample>> data = readAll(db);
            assertThat(TestSupport.count(data)).isEqualTo(200 * 60);
            List<Sample> s7 = data.get(Labels.of("__name__", "node_cpu_seconds_total", "cpu", "7", "mode", "idle"));
            assertThat(s7.get(59)).isEqualTo(new Sample(59 * 15_000L, 1000.0 + 59 * 0.25 * 7));
        }
    }

    @Test
    void aWalWrittenPlainThenWithEachCompressionReplaysWhole() {
        try (Tsdb db = Tsdb.open(options(dir).withWalCompression(WalCompression.NONE))) {
            fill(db, 50, 0, 10);
        }
        try (Tsdb db = Tsdb.open(options(dir).withWalCompression(WalCompression.SNAPPY))) {
            assertThat(TestSupport.count(readAll(db))).isEqualTo(50 * 10);
            fill(db, 50, 10, 20);
        }
        try (Tsdb db = Tsdb.open(options(dir).withWalCompression(WalCompression.ZSTD))) {
            fill(db, 50, 20, 30);
        }
        try (Tsdb db = Tsdb.open(options(dir).withWalCompression(WalCompression.NONE))) {
            assertThat(db.metrics().walCorruptions.sum()).isZero();
            assertThat(TestSupport.count(readAll(db))).isEqualTo(50 * 30);
        }
    }

    @Test
    void tornCompressedTailIsTruncatedCountedAndTheRestReplayed() throws IOException {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 50, 0, 20);
        }
        Path segment = lastSegment(dir);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 7);
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.metrics().walCorruptions.sum()).isEqualTo(1);
            assertThat(TestSupport.count(readAll(db))).isEqualTo(50 * 19);
            fill(db, 50, 20, 21);
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.metrics().walCorruptions.sum()).isZero();
            assertThat(TestSupport.count(readAll(db))).isEqualTo(50 * 20);
        }
    }

    @ParameterizedTest
    @EnumSource(value = WalCompression.class, names = {"SNAPPY", "ZSTD"})
    void aCompressedRecordThatDoesNotInflateIsRepairedLikeAnyCorruptRecord(WalCompression compression) throws IOException {
        try (Tsdb db = Tsdb.open(options(dir).withWalCompression(compression))) {
            fill(db, 50, 0, 5);
        }
        // A record whose CRC matches but whose compressed payload is not a valid stream: what a
        // bug or a bad disk behind the CRC would leave.
        Path segment = lastSegment(dir);
        long goodEnd = Files.size(segment);
        byte[] garbage = new byte[100];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (0xff - i);
        }
        int bit = compression == WalCompression.SNAPPY ? WalRecords.SNAPPY_BIT : WalRecords.ZSTD_BIT;
        CRC32C crc = new CRC32C();
        crc.update(garbage);
        ByteBuffer record = ByteBuffer.allocate(WalRecords.HEADER + garbage.length);
        record.put((byte) (WalRecords.SAMPLES | bit)).putInt(garbage.length).putInt((int) crc.getValue()).put(garbage).flip();
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(record);
        }
        try (Tsdb db = Tsdb.open(options(dir).withWalCompression(compression))) {
            assertThat(db.metrics().walCorruptions.sum()).isEqualTo(1);
            assertThat(TestSupport.count(readAll(db))).isEqualTo(50 * 5);
        }
        assertThat(Files.size(segment)).isEqualTo(goodEnd);
    }

    @ParameterizedTest
    @EnumSource(value = WalCompression.class, names = {"SNAPPY", "ZSTD"})
    void checkpointOfACompressedWalKeepsWhatTheHeadNeeds(WalCompression compression) {
        try (Tsdb db = Tsdb.open(options(dir).withWalCompression(compression))) {
            fill(db, 300, 0, 4 * 240);
            db.compact();
            assertThat(db.metrics().checkpointsCreated.sum()).isEqualTo(1);
            fill(db, 300, 4 * 240, 4 * 240 + 5);
        }
        try (Tsdb db = Tsdb.open(options(dir).withWalCompression(compression))) {
            assertThat(db.metrics().walCorruptions.sum()).isZero();
            assertThat(TestSupport.count(readAll(db))).isEqualTo(300L * (4 * 240 + 5));
        }
    }

    @Test
    void checkpointInterleavingSeriesWithMetadataAndExemplarsReplaysThemAll() {
        // An OpenMetrics counter: family req, series req_total; the checkpoint keeps the family name.
        io.promethium.api.model.Metadata meta = new io.promethium.api.model.Metadata(
                io.promethium.api.model.MetricType.COUNTER, "Requests.", "", "req");
        try (Tsdb db = Tsdb.open(options(dir))) {
            for (int t = 0; t < 4 * 240; t++) {
                Appender app = db.appender();
                for (int s = 0; s < 20; s++) {
                    Labels series = Labels.of("__name__", "req_total", "s", Integer.toString(s));
                    long ref = app.append(0, series, t * 15_000L, t);
                    if (t == 0 || t == 4 * 240 - 1) {
                        // Metadata and exemplars between series records: the checkpoint batches
                        // series into shared records and must close one before either.
                        app.updateMetadata(ref, series, meta);
                        app.appendExemplar(ref, series,
                                new io.promethium.api.model.Exemplar(Labels.of("trace_id", "t" + s), t, t * 15_000L, true));
                    }
                }
                app.commit();
            }
            db.compact();
            assertThat(db.metrics().checkpointsCreated.sum()).isEqualTo(1);
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.metrics().walCorruptions.sum()).isZero();
            assertThat(db.seriesMetadata()).containsEntry("req_total", List.of(meta));
            assertThat(readAll(db)).hasSize(20);
        }
    }

    /** What remote write's queue does: follow the WAL from a position and resolve refs. */
    @ParameterizedTest
    @EnumSource(value = WalCompression.class, names = {"SNAPPY", "ZSTD"})
    void aFollowerReadsCompressedSegmentsAcrossRollsAndRestarts(WalCompression compression) throws Exception {
        WalPosition middle;
        try (Tsdb db = Tsdb.open(options(dir).withWalSegmentBytes(64 << 10).withWalCompression(compression))) {
            WalWatchable log = db.walWatchable();
            WalPosition start = log.end();
            fillNoisy(db, 100, 0, 100);
            middle = log.end();
            assertThat(middle.segment()).isGreaterThan(start.segment());
            Map<Long, Labels> series = new HashMap<>();
            List<Long> seen = new ArrayList<>();
            drain(log, start, visitor(series, seen));
            assertThat(seen).hasSize(100 * 100);
            assertThat(series).hasSize(100);
        }
        try (Tsdb db = Tsdb.open(options(dir).withWalSegmentBytes(64 << 10).withWalCompression(compression))) {
            fillNoisy(db, 100, 100, 120);
            WalWatchable log = db.walWatchable();
            Map<Long, Labels> series = new HashMap<>();
            List<Long> seen = new ArrayList<>();
            log.seriesBefore(middle, visitor(series, seen));
            assertThat(series).hasSize(100);
            drain(log, middle, visitor(series, seen));
            assertThat(seen).hasSize(100 * 20).allMatch(t -> t >= 100 * 15_000L);
        }
    }

    private static WalVisitor visitor(Map<Long, Labels> series, List<Long> seen) {
        return new WalVisitor() {
            @Override
            public void series(long ref, Labels labels) {
                series.put(ref, labels);
            }

            @Override
            public void sample(long ref, long timestamp, double value) {
                assertThat(series).containsKey(ref);
                seen.add(timestamp);
            }
        };
    }

    private static void drain(WalWatchable log, WalPosition from, WalVisitor visitor) throws IOException {
        WalPosition at = from;
        while (true) {
            WalPosition next = log.read(at, 16 << 10, visitor);
            if (next.equals(at)) {
                return;
            }
            at = next;
        }
    }
}
