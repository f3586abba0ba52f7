package io.promethium.tsdb;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Prints what per-series retention costs: the retention pass over blocks (tombstoning a small
 * share, rewriting a large one) with the bytes before and after, and a full-range select of every
 * series with and without rules (the query-time hiding). Run:
 * {@code java -cp target/test-classes:target/classes:$(cat target/bench.classpath)
 * io.promethium.tsdb.SeriesRetentionBenchmark [series] [hours]} (defaults 20000, 12).
 */
public final class SeriesRetentionBenchmark {
    private static final long HOUR = 3_600_000L;
    private static final long STEP = 60_000L;

    private SeriesRetentionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int series = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int hours = args.length > 1 ? Integer.parseInt(args[1]) : 12;
        for (int percent : new int[] {1, 20}) {
            Path dir = Files.createTempDirectory("retention-bench-");
            try (Tsdb db = Tsdb.open(TestSupport.options(dir))) {
                fill(db, series, hours, percent);
                db.compact();
                long before = blockBytes(db);
                long selectPlain = selectAll(db);
                db.setRetentionRules(List.of(new RetentionRule("{__name__=\"debug_metric\"}",
                        List.of(Matcher.equal("__name__", "debug_metric")), Duration.ofHours(3))));
                long selectRules = selectAll(db);
                long t0 = System.nanoTime();
                db.compact();
                long passMs = (System.nanoTime() - t0) / 1_000_000;
                long t1 = System.nanoTime();
                db.compact();
                long againMs = (System.nanoTime() - t1) / 1_000_000;
                System.out.printf("%d series x %d h, %d%% under a 3h rule: blocks %d -> %d bytes; pass %d ms, next pass %d ms;"
                        + " select all, whole range: %d ms without rules, %d ms with%n", series, hours, percent, before,
                        blockBytes(db), passMs, againMs, selectPlain, selectRules);
            } finally {
                io.promethium.tsdb.internal.fs.Fsync.deleteRecursively(dir);
            }
        }
    }

    private static void fill(Tsdb db, int series, int hours, int percent) {
        Labels[] labels = new Labels[series];
        for (int s = 0; s < series; s++) {
            labels[s] = Labels.of("__name__", s % 100 < percent ? "debug_metric" : "node_metric", "instance", "host" + s);
        }
        for (long t = 0; t < hours * HOUR; t += STEP) {
            Appender app = db.appender();
            for (int s = 0; s < series; s++) {
                app.append(0, labels[s], t, (t / STEP + s) % 1000);
            }
            app.commit();
        }
    }

    private static long blockBytes(Tsdb db) {
        return db.blocks().stream().mapToLong(Tsdb.BlockInfo::sizeBytes).sum();
    }

    /** Best of three: every sample of every series over the whole range, in ms. */
    private static long selectAll(Tsdb db) {
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            long n = 0;
            try (Querier q = db.querier(Long.MIN_VALUE + 1, Long.MAX_VALUE)) {
                SeriesSet set = q.select(false, null, List.of(Matcher.of(MatchType.REGEX, "__name__", ".+")));
                SampleIterator it = null;
                while (set.next()) {
                    it = set.at().iterator(it);
                    while (it.next()) {
                        n++;
                    }
                }
            }
            if (n == 0) {
                throw new IllegalStateException("no samples read");
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1_000_000);
        }
        return best;
    }
}
