package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.ValueType;
import io.promethium.tsdb.Histograms;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import io.promethium.tsdb.WalCompression;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.fs.Fsync;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import io.promethium.tsdb.internal.wal.Wal;
import io.promethium.tsdb.internal.wal.WalReader;
import io.promethium.tsdb.internal.wal.WalRecords;
import io.promethium.tsdb.internal.wal.WalReplay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parallel replay ({@link WalReplay} decoding on threads, {@link HeadReplay} applying on shards)
 * builds the same head as the serial visitor replay on random WALs: floats in and out of order,
 * duplicates, stale markers, histograms of both kinds switching with floats, start timestamps,
 * exemplars, metadata, deletions, several segments and a checkpoint, crafted records (a ref
 * logged twice for one label set, samples of unknown refs, the old interleaved samples layout),
 * and torn or corrupt tails, which both must repair alike; the heads compared include their postings.
 */
class HeadReplayTest {
    @TempDir
    Path dir;

    @Test
    void parallelReplayBuildsTheSameHeadAsSerialReplayOnRandomWals() throws IOException {
        StringBuilder all = new StringBuilder();
        long unknown = 0;
        long corruptions = 0;
        for (int seed = 0; seed < 12; seed++) {
            Path data = dir.resolve("wal-" + seed);
            SplittableRandom random = new SplittableRandom(seed);
            write(data, random, seed);
            switch (seed % 4) {
                case 1 -> tear(data.resolve("wal"), random);
                case 2 -> flipByte(data.resolve("wal"), random);
                default -> {
                }
            }
            Replayed serial = serial(copy(data, "serial-" + seed));
            all.append(serial.head);
            corruptions += serial.counters.get(0);
            unknown += serial.counters.get(1);
            for (int[] threads : new int[][] {{1, 1}, {2, 2}, {3, 4}}) {
                Replayed parallel = parallel(copy(data, "parallel-" + seed + "-" + threads[0] + "-" + threads[1]), threads[0], threads[1]);
                assertThat(parallel.head).as("head after replay, seed %d, %d decoders, %d workers", seed, threads[0], threads[1])
                        .isEqualTo(serial.head);
                assertThat(parallel.files).as("WAL files after replay (repairs), seed %d", seed).isEqualTo(serial.files);
                assertThat(parallel.next).as("next segment, seed %d", seed).isEqualTo(serial.next);
                assertThat(parallel.counters).as("corruption and unknown-ref counters, seed %d", seed).isEqualTo(serial.counters);
            }
        }
        // The WALs held every kind of entry the comparison is meant to cover.
        assertThat(all.toString()).contains("Histogram{", "FloatHistogram{", "meta=Metadata").containsPattern(" st=[1-9]")
                .containsPattern("deleted=\\[\\d").containsPattern("aliases=\\{\\d").containsPattern("exemplars=\\[SeriesExemplars")
                .containsPattern("chunks=[2-9]");
        assertThat(unknown).isPositive();
        assertThat(corruptions).isPositive();
    }

    /** What a replay left: the head's content, the WAL's files and sizes, the next segment, the counters. */
    private record Replayed(String head, Map<String, Long> files, int next, List<Long> counters) {
    }

    private static TsdbOptions options(Path path, WalCompression compression) {
        return TsdbOptions.defaults(path).withCompactionInterval(Duration.ZERO).withWalCompression(compression)
                .withWalSegmentBytes(64 << 10).withOutOfOrderWindow(Duration.ofMinutes(30)).withLockFile(false);
    }

    private static void write(Path data, SplittableRandom random, int seed) throws IOException {
        WalCompression compression = WalCompression.values()[seed % WalCompression.values().length];
        int numSeries = 20 + random.nextInt(200);
        Labels[] labels = new Labels[numSeries];
        for (int i = 0; i < numSeries; i++) {
            labels[i] = Labels.of("__name__", "m" + (i % 7), "instance", "host-" + (i % 13), "s", Integer.toString(i));
        }
        long[] refs = new long[numSeries];
        try (Tsdb db = Tsdb.open(options(data, compression))) {
            int commits = 50 + random.nextInt(150);
            for (int c = 0; c < commits; c++) {
                Appender app = db.appender();
                int n = 1 + random.nextInt(numSeries);
                for (int k = 0; k < n; k++) {
                    int i = random.nextInt(numSeries);
                    long t = 1_000_000L + c * 15_000L + (random.nextInt(10) == 0 ? -random.nextInt(600_000) : random.nextInt(100));
                    try {
                        refs[i] = appendOne(app, refs[i], labels[i], i, t, random);
                    } catch (io.promethium.api.storage.StorageException e) {
                        // out of order beyond the window, duplicates with another value: refused as they would be
                    }
                }
                app.commit();
                if (random.nextInt(40) == 0) {
                    db.delete(List.of(Matcher.equal("instance", "host-" + random.nextInt(13))), 0, 1_000_000L + c * 15_000L - 60_000);
                }
            }
        }
        if (seed % 3 == 0) {
            checkpoint(data, compression);
        }
        crafted(data.resolve("wal"), random, numSeries);
    }

    private static long appendOne(Appender app, long ref, Labels labels, int i, long t, SplittableRandom random) {
        int what = random.nextInt(100);
        if (i % 11 == 3) {
            // A series that switches between floats and histograms.
            if (what < 40) {
                return app.appendHistogram(ref, labels, t, Histograms.counter(t / 15_000));
            }
            if (what < 55) {
                return app.appendHistogram(ref, labels, t, Histograms.floatCounter(t / 15_000));
            }
        }
        if (what < 5) {
            return app.append(ref, labels, t, StaleMarker.STALE_NAN);
        }
        if (what < 12) {
            return app.appendWithStart(ref, labels, t - 1_000 - random.nextInt(5_000), t, random.nextDouble());
        }
        if (what < 15) {
            long r = app.append(ref, labels, t, t / 1000.0);
            return app.appendExemplar(r, labels, new Exemplar(Labels.of("trace_id", Long.toHexString(random.nextLong())), t, t, true));
        }
        if (what < 18) {
            long r = app.updateMetadata(ref, labels, new Metadata(MetricType.values()[random.nextInt(3)], "help " + random.nextInt(4), ""));
            return app.append(r, labels, t, i);
        }
        return app.append(ref, labels, t, what < 60 ? t / 15_000.0 : random.nextDouble());
    }

    /** Folds every segment into a checkpoint, keeping every other series and the samples after the first 40 commits. */
    private static void checkpoint(Path data, WalCompression compression) throws IOException {
        Path wal = data.resolve("wal");
        List<Path> segs = segments(wal);
        int last = Integer.parseInt(segs.get(segs.size() - 1).getFileName().toString());
        try (Wal w = new Wal(wal, FileOpener.DEFAULT, new TsdbMetrics(), 64 << 10, false, last, compression)) {
            w.truncate(1_000_000L + 40 * 15_000L, ref -> ref % 2 == 0, java.time.Duration.ZERO);
        }
    }

    /** A last segment written by hand: a label set under a second ref, samples of unknown refs, the old samples layout. */
    private static void crafted(Path wal, SplittableRandom random, int numSeries) throws IOException {
        WalRecords.Encoder enc = new WalRecords.Encoder();
        long next = numSeries + 100;
        enc.begin(WalRecords.SERIES);
        enc.seriesEntry(next, Labels.of("__name__", "m0", "instance", "host-0", "s", "0"));
        enc.seriesEntry(next + 1, Labels.of("__name__", "crafted"));
        enc.end();
        long t = 1_000_000L + 400 * 15_000L;
        // Samples of a ref whose series comes later, then of the alias, then interleaved ones.
        enc.samples(new long[] {next + 2, next, next + 1}, new long[] {t, t, t}, new double[] {1, 2, 3}, 3);
        enc.begin(WalRecords.SERIES);
        enc.seriesEntry(next + 2, Labels.of("__name__", "late"));
        enc.end();
        enc.samplesInterleaved(new long[] {next + 2, next, 1}, new long[] {t + 1, t + 1, t + 1}, new double[] {4, 5, 6}, 3);
        enc.begin(WalRecords.START_TIMESTAMPS);
        enc.startTimestampEntry(next + 1, t + 2, t - 500);
        enc.end();
        enc.samples(new long[] {next + 1, 999_999}, new long[] {t + 2, t + 2}, new double[] {7, 8}, 2);
        enc.begin(WalRecords.TOMBSTONES);
        enc.tombstone(next, t, t);
        enc.end();
        int last = 0;
        try (Stream<Path> s = Files.list(wal)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                if (name.matches("\\d{8}")) {
                    last = Math.max(last, Integer.parseInt(name));
                }
            }
        }
        Files.write(wal.resolve(String.format("%08d", last + 1 + random.nextInt(2))), enc.bytes().toByteArray());
    }

    private static List<Path> segments(Path wal) throws IOException {
        try (Stream<Path> s = Files.walk(wal)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d{8}") && Files.isRegularFile(p)).sorted().toList();
        }
    }

    private static void tear(Path wal, SplittableRandom random) throws IOException {
        List<Path> segs = segments(wal);
        Path victim = segs.get(random.nextInt(segs.size()));
        long size = Files.size(victim);
        if (size > 1) {
            try (var ch = java.nio.channels.FileChannel.open(victim, java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(size - 1 - random.nextInt((int) Math.min(size - 1, 300)));
            }
        }
    }

    private static void flipByte(Path wal, SplittableRandom random) throws IOException {
        List<Path> segs = segments(wal);
        Path victim = segs.get(random.nextInt(segs.size()));
        byte[] bytes = Files.readAllBytes(victim);
        if (bytes.length > 0) {
            bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
            Files.write(victim, bytes);
        }
    }

    private Path copy(Path data, String name) throws IOException {
        Path target = dir.resolve(name);
        try (Stream<Path> s = Files.walk(data)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path to = target.resolve(data.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return target;
    }

    private static Head newHead(TsdbMetrics metrics) {
        Head head = new Head(metrics, Duration.ofMinutes(30).toMillis());
        // As Tsdb does when a block covers the oldest samples: replay skips them.
        head.setPersistedBefore(1_000_000L + 3 * 15_000L);
        return head;
    }

    private Replayed serial(Path data) throws IOException {
        TsdbMetrics metrics = new TsdbMetrics();
        Head head = newHead(metrics);
        int next = new WalReader(metrics).replay(data.resolve("wal"), new SerialReplayer(head, metrics));
        Replayed r = new Replayed(describe(head), files(data.resolve("wal")), next,
                List.of(metrics.walCorruptions.sum(), metrics.walReplayUnknownRefs.sum()));
        Fsync.deleteRecursively(data);
        return r;
    }

    private Replayed parallel(Path data, int decoders, int workers) throws IOException {
        TsdbMetrics metrics = new TsdbMetrics();
        Head head = newHead(metrics);
        HeadReplay apply = new HeadReplay(head, workers);
        int next;
        try {
            next = new WalReplay(metrics, decoders, HeadReplay.symbols(head)).replay(data.resolve("wal"), apply);
        } finally {
            apply.finish();
        }
        Replayed r = new Replayed(describe(head), files(data.resolve("wal")), next,
                List.of(metrics.walCorruptions.sum(), metrics.walReplayUnknownRefs.sum()));
        Fsync.deleteRecursively(data);
        return r;
    }

    private static Map<String, Long> files(Path wal) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(wal)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (Files.isRegularFile(p)) {
                    out.put(wal.relativize(p).toString(), Files.size(p));
                }
            }
        }
        return out;
    }

    /** Everything a head holds, as text: series with refs and aliases, samples, chunks, metadata, deletions, starts, exemplars. */
    private static String describe(Head head) {
        TreeMap<Labels, String> series = new TreeMap<>();
        head.forEachSeries(s -> {
            StringBuilder sb = new StringBuilder();
            sb.append("ref=").append(s.ref()).append(" chunks=").append(s.chunkCount()).append(" bytes=").append(s.chunkBytes())
                    .append(" meta=").append(s.metadata()).append(" deleted=").append(java.util.Arrays.toString(s.deletedIntervals()))
                    .append('\n');
            SampleIterator it = head.iterator(s, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, null);
            while (it.next()) {
                sb.append("  ").append(it.timestamp()).append(' ');
                ValueType type = it.valueType();
                if (type == ValueType.HISTOGRAM) {
                    Histogram h = it.histogram();
                    sb.append(h);
                } else if (type == ValueType.FLOAT_HISTOGRAM) {
                    FloatHistogram h = it.floatHistogram();
                    sb.append(h);
                } else {
                    sb.append(Long.toHexString(Double.doubleToRawLongBits(it.value())));
                }
                sb.append(" st=").append(it.startTimestamp()).append('\n');
            }
            series.put(s.labels(), sb.toString());
        });
        StringBuilder out = new StringBuilder();
        out.append("series=").append(head.numSeries()).append(" min=").append(head.minTime()).append(" max=").append(head.maxTime())
                .append(" withStarts=").append(head.seriesWithStarts()).append('\n');
        series.forEach((l, s) -> out.append(l).append(' ').append(s));
        Map<Long, String> aliases = new TreeMap<>();
        for (long ref = 1; ref < 100_000; ref++) {
            MemSeries s = head.series(ref);
            if (s != null && s.ref() != ref) {
                aliases.put(ref, s.labels().toString());
            }
        }
        out.append("aliases=").append(aliases).append('\n');
        // The postings: parallel replay indexes new series on a thread of its own.
        HeadPostings postings = head.postings();
        out.append("postings all=").append(postings.all()).append('\n');
        for (String name : postings.names()) {
            for (String value : postings.values(name)) {
                out.append("  ").append(name).append('=').append(value).append(' ').append(postings.postings(name, value)).append('\n');
            }
        }
        out.append("exemplars=").append(head.exemplars().select(Long.MIN_VALUE, Long.MAX_VALUE,
                List.of(List.of(Matcher.of(MatchType.REGEX, "__name__", ".+")))));
        return out.toString();
    }

    /** The replay of the previous version, record by record on one thread: the reference. */
    private static final class SerialReplayer implements WalRecords.Visitor {
        private record SampleKey(long ref, long t) {
        }

        private final Head head;
        private final TsdbMetrics metrics;
        private final Map<SampleKey, Long> pendingStarts = new HashMap<>();

        SerialReplayer(Head head, TsdbMetrics metrics) {
            this.head = head;
            this.metrics = metrics;
        }

        @Override
        public void series(long ref, Labels labels) {
            head.createWithRef(ref, labels);
        }

        @Override
        public void startTimestamp(long ref, long t, long start) {
            pendingStarts.put(new SampleKey(ref, t), start);
        }

        private void replayedStart(MemSeries s, long ref, long t) {
            if (pendingStarts.isEmpty() && !s.hasStarts()) {
                return;
            }
            Long start = pendingStarts.isEmpty() ? null : pendingStarts.remove(new SampleKey(ref, t));
            head.recordStart(s, t, start == null ? 0 : start);
        }

        @Override
        public void sample(long ref, long t, double v) {
            MemSeries s = inWindow(ref, t);
            if (s != null) {
                appended(s, ref, t, s.append(t, v, t, head.minValidTime(), head.writes()));
            }
        }

        @Override
        public void tombstone(long ref, long mint, long maxt) {
            MemSeries s = head.series(ref);
            if (s != null) {
                s.addDeleted(mint, maxt);
            }
        }

        @Override
        public void histogram(long ref, long t, Histogram h) {
            replayHistogram(ref, t, h);
        }

        @Override
        public void floatHistogram(long ref, long t, FloatHistogram h) {
            replayHistogram(ref, t, h);
        }

        private void replayHistogram(long ref, long t, Object h) {
            MemSeries s = inWindow(ref, t);
            if (s != null) {
                appended(s, ref, t, s.appendHistogram(t, h, t, head.minValidTime(), head.writes()));
            }
        }

        /** The series of {@code ref} if it is known (else counted) and {@code t} is not before the head's window. */
        private MemSeries inWindow(long ref, long t) {
            MemSeries s = head.series(ref);
            if (s == null) {
                metrics.walReplayUnknownRefs.increment();
                return null;
            }
            return t < head.minValidTime() ? null : s;
        }

        private void appended(MemSeries s, long ref, long t, int code) {
            if (code == MemSeries.OK || code == MemSeries.OOO_OK) {
                head.replayed(t);
                replayedStart(s, ref, t);
            }
        }

        @Override
        public void exemplar(long ref, Exemplar e) {
            MemSeries s = head.series(ref);
            if (s != null) {
                head.exemplars().add(s.labels(), e);
            }
        }

        @Override
        public void metadata(long ref, Metadata m) {
            MemSeries s = head.series(ref);
            if (s != null) {
                s.updateMetadata(head.intern(m));
            }
        }
    }
}
