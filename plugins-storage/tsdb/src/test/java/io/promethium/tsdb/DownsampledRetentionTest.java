package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.internal.block.Block;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-series retention rules, deletions and size retention reach the downsampled companions:
 * raw data is kept 20 h, 5 m and 1 h companions for ever, so after 60 h only companions hold the
 * first 40 h.
 */
class DownsampledRetentionTest {
    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;
    static final long HOURS = 60;

    @TempDir
    Path dir;

    private static Tsdb open(Path dir, long retentionBytes) {
        Tsdb db = Tsdb.open(options(dir).withRetention(Duration.ofHours(20)).withRetentionBytes(retentionBytes));
        db.setDownsampling(List.of(new DownsamplingLevel(Duration.ofMinutes(5), Duration.ofHours(4), Duration.ZERO),
                new DownsamplingLevel(Duration.ofHours(1), Duration.ofHours(4), Duration.ZERO)));
        return db;
    }

    private static void fill(Tsdb db, long fromHour, long toHour) {
        for (long h = fromHour; h < toHour; h += 6) {
            for (long t = h * HOUR + MIN; t <= (h + 6) * HOUR; t += MIN) {
                Appender app = db.appender();
                app.append(0, Labels.of("__name__", "keep", "job", "a"), t, t % 7);
                app.append(0, Labels.of("__name__", "debug_x", "job", "a"), t, 1);
                app.commit();
            }
            db.compact();
        }
    }

    /** Points (t, value) of the series named {@code name} as a 6 h-step sum_over_time select reads them. */
    private static List<long[]> read(Tsdb db, String name, long[] resolution) {
        List<long[]> out = new ArrayList<>();
        SelectHints hints = new SelectHints(1, HOURS * HOUR, 6 * HOUR, "sum_over_time", 6 * HOUR, List.of(), false, SelectHints.AUTO);
        try (Querier q = db.querier(hints.start(), hints.end())) {
            SeriesSet set = q.select(true, hints, List.of(Matcher.equal("__name__", name)));
            while (set.next()) {
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    out.add(new long[] {it.timestamp(), (long) it.value()});
                }
                assertThat(it.error()).isNull();
            }
            resolution[0] = set.resolution();
        }
        return out;
    }

    private static long companions(Tsdb db, long resolution) {
        return db.downsampledBlocks.stream().filter(b -> b.meta().resolution() == resolution).count();
    }

    @Test
    void aRuleShorterThanTheCompanionsRemovesItsSeriesFromThemAndFromQueries() throws Exception {
        try (Tsdb db = open(dir, 0)) {
            fill(db, 0, HOURS);
            long[] res = new long[1];
            assertThat(read(db, "debug_x", res)).as("before the rule").anyMatch(p -> p[0] < 20 * HOUR);
            db.setRetentionRules(List.of(new RetentionRule("{__name__=~\"debug_.*\"}",
                    List.of(Matcher.of(io.promethium.api.model.MatchType.REGEX, "__name__", "debug_.*")), Duration.ofHours(30))));
            long newest = Math.max(db.maxBlockTime(), db.head.maxTime());
            // Queries hide it at once, before any pass.
            List<long[]> debug = read(db, "debug_x", res);
            assertThat(res[0]).isPositive();
            assertThat(debug).isNotEmpty().allMatch(p -> p[0] >= newest - 30 * HOUR);
            db.compact();
            // Half of every expired companion's chunks are the rule's: rewritten without them (past the 5 % share).
            for (Block c : db.downsampledBlocks) {
                boolean expired = c.meta().maxTime() <= newest - 30 * HOUR;
                assertThat(c.numTombstones()).isZero();
                assertThat(io.promethium.tsdb.internal.block.DownsampledReader.series(c))
                        .as(c.meta().resolution() + " ms companion ending at " + c.meta().maxTime() / HOUR + "h")
                        .hasSize(expired ? 1 : 2);
            }
            assertThat(read(db, "debug_x", res)).allMatch(p -> p[0] >= newest - 30 * HOUR);
            List<long[]> keep = read(db, "keep", res);
            assertThat(keep).as("series matching no rule keep their resolution's retention").anyMatch(p -> p[0] < 6 * HOUR);
            assertThat(res[0]).isEqualTo(HOUR);

            // The status page's table: raw, 5 m and 1 h blocks with their bytes; native histograms in every resolution.
            List<Tsdb.ResolutionUsage> usage = db.resolutionUsage();
            assertThat(usage).extracting(u -> u.resolution().toMillis()).containsExactly(0L, 5 * MIN, HOUR);
            for (Tsdb.ResolutionUsage u : usage) {
                List<Block> of = new ArrayList<>(db.blocks);
                of.addAll(db.downsampledBlocks);
                of.removeIf(b -> b.meta().resolution() != u.resolution().toMillis());
                assertThat(u.blocks()).isPositive().isEqualTo(of.size());
                assertThat(u.bytes()).isEqualTo(of.stream().mapToLong(Block::sizeBytes).sum());
                assertThat(u.nativeHistograms()).isTrue();
            }
        }
    }

    @Test
    void aCompanionWhoseEverySeriesExpiredIsDeleted() throws Exception {
        try (Tsdb db = open(dir, 0)) {
            db.setRetentionRules(List.of(new RetentionRule("{job=\"a\"}", List.of(Matcher.equal("job", "a")), Duration.ofHours(30))));
            fill(db, 0, HOURS);
            long newest = Math.max(db.maxBlockTime(), db.head.maxTime());
            assertThat(db.downsampledBlocks).isNotEmpty().allMatch(c -> c.meta().maxTime() > newest - 30 * HOUR);
        }
    }

    @Test
    void deletedSeriesLeaveCompanionsAndTheCoarserCompanionsBuiltLater() throws Exception {
        try (Tsdb db = Tsdb.open(options(dir).withRetention(Duration.ofHours(20)))) {
            // 5 m companions early, 1 h ones only once the data is 30 h old: the delete falls between.
            db.setDownsampling(List.of(new DownsamplingLevel(Duration.ofMinutes(5), Duration.ofHours(4), Duration.ZERO),
                    new DownsamplingLevel(Duration.ofHours(1), Duration.ofHours(30), Duration.ZERO)));
            fill(db, 0, 30);
            assertThat(companions(db, HOUR)).isZero();
            // Deleted from 2h to 3h30 of keep: whole 5 m windows, half an hour window.
            db.delete(List.of(Matcher.equal("__name__", "keep")), 2 * HOUR, 3 * HOUR + 30 * MIN);
            db.delete(List.of(Matcher.equal("__name__", "debug_x")), 0, HOURS * HOUR);
            fill(db, 30, HOURS);
            assertThat(companions(db, HOUR)).isPositive();
            long[] res = new long[1];
            assertThat(read(db, "debug_x", res)).as("a deleted series is gone from every resolution").isEmpty();
            List<long[]> keep = read(db, "keep", res);
            assertThat(res[0]).isEqualTo(HOUR);
            // The 1 h companion was built after the deletion from the 5 m ones without their hidden windows:
            // (2h, 3h] is gone, (3h, 4h] holds its last half hour only.
            assertThat(keep).noneMatch(p -> p[0] > 2 * HOUR && p[0] <= 3 * HOUR + 30 * MIN)
                    .anyMatch(p -> p[0] <= 2 * HOUR).anyMatch(p -> p[0] > 4 * HOUR && p[0] <= 6 * HOUR);
            long firstHour = keep.stream().filter(p -> p[0] <= HOUR).mapToLong(p -> p[1]).sum();
            long halfHour = keep.stream().filter(p -> p[0] > 3 * HOUR && p[0] <= 4 * HOUR).mapToLong(p -> p[1]).sum();
            assertThat(halfHour).isPositive().isLessThan(firstHour * 6 / 10);
            // The 5 m companions themselves: windows inside (2h, 3h30] are hidden, the rest of the hour is not.
            List<Long> times = fiveMinuteTimes(db);
            assertThat(times).noneMatch(t -> t > 2 * HOUR && t <= 3 * HOUR + 30 * MIN).anyMatch(t -> t > 3 * HOUR + 30 * MIN && t <= 4 * HOUR)
                    .anyMatch(t -> t <= 2 * HOUR);

            // clean_tombstones rewrites the companions without what their tombstones hid: the same answers.
            assertThat(db.downsampledBlocks).anyMatch(c -> c.numTombstones() > 0);
            db.cleanTombstones();
            assertThat(db.downsampledBlocks).isNotEmpty().allMatch(c -> c.numTombstones() == 0);
            assertThat(read(db, "debug_x", res)).isEmpty();
            assertThat(read(db, "keep", res)).containsExactlyElementsOf(keep);
            assertThat(fiveMinuteTimes(db)).isEqualTo(times);
        }
    }

    /** The points' times of keep over (0, 6h] read from the 5 m companions. */
    private static List<Long> fiveMinuteTimes(Tsdb db) {
        SelectHints fine = new SelectHints(1, 6 * HOUR, HOUR, "sum_over_time", HOUR, List.of(), false, 5 * MIN);
        List<Long> times = new ArrayList<>();
        try (Querier q = db.querier(1, 6 * HOUR)) {
            SeriesSet set = q.select(true, fine, List.of(Matcher.equal("__name__", "keep")));
            while (set.next()) {
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    times.add(it.timestamp());
                }
            }
            assertThat(set.resolution()).isEqualTo(5 * MIN);
        }
        return times;
    }

    @Test
    void sizeRetentionCountsCompanionBytesAndDeletesTheOldestFirst() throws Exception {
        long unlimited;
        Path other = dir.resolve("unlimited");
        try (Tsdb db = open(other, 0)) {
            fill(db, 0, 36);
            unlimited = db.blocks.stream().mapToLong(Block::sizeBytes).sum() + db.downsampledBlocks.stream().mapToLong(Block::sizeBytes).sum();
        }
        try (Tsdb db = open(dir.resolve("limited"), unlimited * 2 / 3)) {
            fill(db, 0, 36);
            long raw = db.blocks.stream().mapToLong(Block::sizeBytes).sum();
            long ds = db.downsampledBlocks.stream().mapToLong(Block::sizeBytes).sum();
            assertThat(raw + ds + TsdbCompaction.walBytes(db)).as("companions count towards the limit")
                    .isLessThanOrEqualTo(unlimited * 2 / 3);
            assertThat(ds).isPositive();
            long oldestLeft = Math.min(db.blocks.stream().mapToLong(b -> b.meta().maxTime()).min().orElse(Long.MAX_VALUE),
                    db.downsampledBlocks.stream().mapToLong(b -> b.meta().maxTime()).min().orElseThrow());
            assertThat(oldestLeft).as("the oldest companions went first").isGreaterThan(6 * HOUR);
            assertThat(db.blocks).as("recent raw data kept").anyMatch(b -> b.meta().maxTime() >= 30 * HOUR);
        }
    }
}
