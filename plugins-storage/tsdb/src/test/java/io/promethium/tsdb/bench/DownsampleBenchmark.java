package io.promethium.tsdb.bench;

import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.internal.block.AggrChunk.Aggregate;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.block.BlockWriter;
import io.promethium.tsdb.internal.block.DownsampledReader;
import io.promethium.tsdb.internal.block.Downsampler;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.fs.Fsync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Prints what downsampling costs and saves on node_exporter-shaped data: one raw block of
 * {@code hours} (15 s scrapes), its 5 m and 1 h companions — bytes on disk, downsampling time per
 * raw sample — and reading every series' sums over the whole block from raw samples and from the
 * companions. Run from the module after {@code test-compile dependency:build-classpath}:
 * {@code java -cp target/test-classes:target/classes:$(cat target/bench.classpath)
 * io.promethium.tsdb.bench.DownsampleBenchmark [series] [hours]} (defaults 2000, 24).
 */
public final class DownsampleBenchmark {
    private static final long MIN = 60_000L;

    private DownsampleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int hours = args.length > 1 ? Integer.parseInt(args[1]) : 24;
        Path dir = Files.createTempDirectory("downsample-bench-");
        try {
            NodeExporterData data = new NodeExporterData(series);
            int n = data.size();
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparing((Integer i) -> data.labels[i]));
            long steps = hours * 60 * MIN / NodeExporterData.INTERVAL;
            long[] ts = new long[(int) steps];
            double[] vs = new double[(int) steps];
            long[] state = {1};
            BlockMeta rawMeta;
            try (BlockWriter w = new BlockWriter(dir, 0, hours * 60 * MIN, FileOpener.DEFAULT)) {
                for (int i : order) {
                    for (int s = 0; s < steps; s++) {
                        ts[s] = data.timestamp(0, data.host[i], s);
                        vs[s] = data.advance(i, state);
                    }
                    w.addSeries(data.labels[i], ts, vs, (int) steps);
                }
                rawMeta = w.finish(1, List.of());
            }
            Block raw = Block.open(dir.resolve(rawMeta.ulid()));
            long samples = rawMeta.numSamples();
            System.out.printf("%d series, %d h of 15 s scrapes: %,d samples%n", n, hours, samples);
            System.out.printf("%-10s %14s %10s %14s %16s%n", "resolution", "bytes on disk", "B/sample", "downsample", "sum all series");
            long rawRead = readRaw(raw);
            System.out.printf("%-10s %,14d %10.3f %14s %13.1f ms%n", "raw", Fsync.sizeOf(raw.dir()),
                    (double) Fsync.sizeOf(raw.dir()) / samples, "-", rawRead / 1e6);
            Downsampler d = new Downsampler(FileOpener.DEFAULT);
            Block fiveMinutes = null;
            for (long res : new long[] {5 * MIN, 60 * MIN, -60 * MIN}) {
                // -60: 1 h from the 5 m companion instead of from raw (time still per raw sample).
                Block source = res > 0 ? raw : fiveMinutes;
                long t0 = System.nanoTime();
                Downsampler.Result r = d.downsample(source, Math.abs(res), dir);
                long took = System.nanoTime() - t0;
                Block ds = Block.open(dir.resolve(r.meta().ulid()));
                long read = readDownsampled(ds);
                long bytes = Fsync.sizeOf(ds.dir());
                System.out.printf("%-10s %,14d %10.3f %8.1f ns/raw %13.1f ms%n", res > 0 ? res / MIN + " m" : "60 m of 5", bytes,
                        (double) bytes / samples, (double) took / samples, read / 1e6);
                if (res == 5 * MIN) {
                    fiveMinutes = ds;
                } else {
                    ds.close();
                }
            }
            fiveMinutes.close();
            raw.close();
        } finally {
            Fsync.deleteRecursively(dir);
        }
    }

    /** Nanoseconds to read every raw sample of the block (best of three). */
    private static long readRaw(Block raw) {
        long best = Long.MAX_VALUE;
        double sink = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            raw.acquire();
            try (Querier q = raw.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet set = q.select(false, null, List.of(Matcher.of(MatchType.REGEX, "__name__", ".+")));
                SampleIterator it = null;
                while (set.next()) {
                    it = set.at().iterator(it);
                    while (it.next()) {
                        sink += it.value();
                    }
                }
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        if (sink == 42) {
            System.out.println();
        }
        return best;
    }

    /** Nanoseconds to read every series' SUM column (best of three). */
    private static long readDownsampled(Block ds) {
        long best = Long.MAX_VALUE;
        double sink = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            for (DownsampledReader.Series s : DownsampledReader.select(List.of(ds),
                    List.of(Matcher.of(MatchType.REGEX, "__name__", ".+")), Long.MIN_VALUE, Long.MAX_VALUE)) {
                SampleIterator it = s.iterator(Aggregate.SUM, Long.MIN_VALUE, Long.MAX_VALUE);
                while (it.next()) {
                    sink += it.value();
                }
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        if (sink == 42) {
            System.out.println();
        }
        return best;
    }
}
