package io.promethium.tsdb;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.Downsampler;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.fs.Fsync;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Prints what downsampling native histograms costs and saves: {@code series} histogram counters
 * (schema 3, 40 populated buckets, 15 s scrapes) over {@code hours}, cut into 2 h raw blocks, then
 * each block's 5 m companion and the 1 h one built from it: bytes on disk and downsampling time
 * per raw histogram. Run from the module after {@code test-compile dependency:build-classpath}:
 * {@code java -cp target/test-classes:target/classes:$(cat target/bench.classpath)
 * io.promethium.tsdb.HistogramDownsampleBenchmark [series] [hours]} (defaults 200, 24).
 */
public final class HistogramDownsampleBenchmark {
    private static final long MIN = 60_000L;

    private HistogramDownsampleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int hours = args.length > 1 ? Integer.parseInt(args[1]) : 24;
        Path dir = Files.createTempDirectory("histogram-downsample-bench-");
        Path out = Files.createTempDirectory("histogram-downsample-out-");
        try (Tsdb db = Tsdb.open(TestSupport.options(dir))) {
            Random random = new Random(1);
            long[][] counts = new long[series][40];
            Labels[] labels = new Labels[series];
            for (int s = 0; s < series; s++) {
                labels[s] = Labels.of("__name__", "http_request_duration_seconds", "instance", "host-" + s);
            }
            long samples = 0;
            for (long t = 15_000; t <= hours * 60 * MIN; t += 15_000) {
                Appender app = db.appender();
                for (int s = 0; s < series; s++) {
                    long total = 0;
                    long[] deltas = new long[40];
                    long prev = 0;
                    for (int b = 0; b < 40; b++) {
                        counts[s][b] += random.nextInt(3 + b % 5);
                        total += counts[s][b];
                        deltas[b] = counts[s][b] - prev;
                        prev = counts[s][b];
                    }
                    app.appendHistogram(0, labels[s], t, new Histogram(CounterResetHint.UNKNOWN, 3, 0.001, 0, total,
                            total * 0.25, HistogramSpans.pairs(-20, 40), deltas, HistogramSpans.EMPTY, new long[0], null));
                    samples++;
                }
                app.commit();
                if (t % (2 * 60 * MIN) == 0) {
                    db.compact();
                }
            }
            db.compact();
            List<Block> raw = new ArrayList<>(db.blocks);
            long rawBytes = 0;
            long rawSamples = 0;
            for (Block b : raw) {
                rawBytes += b.sizeBytes();
                rawSamples += b.meta().numSamples();
            }
            Downsampler d = new Downsampler(FileOpener.DEFAULT);
            long fiveBytes = 0;
            long hourBytes = 0;
            long fiveNanos = 0;
            long hourNanos = 0;
            for (Block b : raw) {
                long t0 = System.nanoTime();
                Downsampler.Result five = d.downsample(b, 5 * MIN, out);
                fiveNanos += System.nanoTime() - t0;
                Block fiveBlock = Block.open(out.resolve(five.meta().ulid()));
                fiveBytes += fiveBlock.sizeBytes();
                t0 = System.nanoTime();
                Downsampler.Result hour = d.downsample(fiveBlock, 60 * MIN, out);
                hourNanos += System.nanoTime() - t0;
                fiveBlock.close();
                hourBytes += Fsync.sizeOf(out.resolve(hour.meta().ulid()));
            }
            System.out.printf("%d histogram series, %d h of 15 s scrapes: %,d appended, %,d in %d raw blocks%n", series, hours,
                    samples, rawSamples, raw.size());
            System.out.printf("%-14s %14s %14s %16s%n", "resolution", "bytes on disk", "B/raw sample", "downsample");
            System.out.printf("%-14s %,14d %14.1f %16s%n", "raw", rawBytes, (double) rawBytes / rawSamples, "-");
            System.out.printf("%-14s %,14d %14.1f %10.0f ns/raw%n", "5 m", fiveBytes, (double) fiveBytes / rawSamples,
                    (double) fiveNanos / rawSamples);
            System.out.printf("%-14s %,14d %14.1f %10.0f ns/raw%n", "1 h from 5 m", hourBytes, (double) hourBytes / rawSamples,
                    (double) hourNanos / rawSamples);
        } finally {
            Fsync.deleteRecursively(dir);
            Fsync.deleteRecursively(out);
        }
    }
}
