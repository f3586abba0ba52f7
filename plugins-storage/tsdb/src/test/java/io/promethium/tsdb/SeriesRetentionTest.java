package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static io.promethium.tsdb.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.tsdb.TestSupport.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-series retention ({@code storage.tsdb.retention_rules}): the retention pass, query-time hiding, reload, usage. */
class SeriesRetentionTest {
    static final long HOUR = 3_600_000L;
    static final long STEP = 60_000L;

    @TempDir
    Path dir;

    private static RetentionRule rule(String selector, Duration retention, Matcher... matchers) {
        return new RetentionRule(selector, List.of(matchers), retention);
    }

    private static final RetentionRule DEBUG_3H = rule("{__name__=~\"debug_.*\"}", Duration.ofHours(3),
            Matcher.of(MatchType.REGEX, "__name__", "debug_.*"));

    /** One-minute samples from hour 0 to {@code hours}: {@code node} node_load1 series and {@code debug} debug_queue series. */
    private static void fill(Tsdb db, int hours, int node, int debug) {
        for (long t = 0; t < hours * HOUR; t += STEP) {
            Appender app = db.appender();
            for (int s = 0; s < node; s++) {
                app.append(0, Labels.of("__name__", "node_load1", "instance", "host" + s), t, s);
            }
            for (int s = 0; s < debug; s++) {
                app.append(0, Labels.of("__name__", "debug_queue", "instance", "host" + s), t, s);
            }
            app.commit();
        }
    }

    private static Map<Labels, List<Sample>> byName(Tsdb db, String name) {
        return TestSupport.read(db, Long.MIN_VALUE, Long.MAX_VALUE, Matcher.equal("__name__", name));
    }

    private static long newest(Tsdb db) {
        return 12 * HOUR - STEP;
    }

    @Test
    void blocksOlderThanARuleLoseThatRulesSeriesAndAreRewrittenWhenTheyHoldAFairShare() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            db.setRetentionRules(List.of(DEBUG_3H));
            fill(db, 12, 4, 2);
            db.compact();
            long cutoff = newest(db) - 3 * HOUR;
            List<Tsdb.BlockInfo> old = db.blocks().stream().filter(b -> b.maxTime() <= cutoff).toList();
            assertThat(old).isNotEmpty();
            // Two of six series (a third of the bytes) is past the 5 % threshold: rewritten without them.
            assertThat(old).allSatisfy(b -> assertThat(b.numSeries()).isEqualTo(4));
            assertThat(db.blocks().stream().filter(b -> b.maxTime() > cutoff)).allSatisfy(b -> assertThat(b.numSeries()).isEqualTo(6));
            assertThat(byName(db, "debug_queue")).hasSize(2).allSatisfy((labels, samples) ->
                    assertThat(samples).isNotEmpty().allSatisfy(s -> assertThat(s.t()).isGreaterThanOrEqualTo(cutoff)));
            assertThat(byName(db, "node_load1")).hasSize(4).allSatisfy((labels, samples) ->
                    assertThat(samples).hasSize((int) (12 * HOUR / STEP)));
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            // On disk, not only hidden: a reopened database without rules still lacks the old debug samples.
            long oldest = byName(db, "debug_queue").values().stream().mapToLong(s -> s.get(0).t()).min().orElseThrow();
            assertThat(oldest).isGreaterThan(0);
        }
    }

    @Test
    void aSmallShareIsTombstonedInPlaceAndHiddenWithoutRewritingTheBlock() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 12, 60, 1);
            db.compact();
            List<Tsdb.BlockInfo> before = db.blocks();
            db.setRetentionRules(List.of(DEBUG_3H));
            db.compact();
            long cutoff = newest(db) - 3 * HOUR;
            List<Tsdb.BlockInfo> after = db.blocks();
            // One series of 61 is under 5 % of the bytes: the same blocks stay, with tombstones.
            assertThat(after).extracting(Tsdb.BlockInfo::ulid).containsExactlyElementsOf(before.stream().map(Tsdb.BlockInfo::ulid).toList());
            assertThat(after.stream().filter(b -> b.maxTime() <= cutoff)).isNotEmpty().allSatisfy(b -> {
                assertThat(b.numSeries()).isEqualTo(61);
                assertThat(Files.exists(dir.resolve(b.ulid()).resolve("tombstones"))).isTrue();
            });
            db.setRetentionRules(List.of());
            // Without rules nothing is hidden at query time any more, yet the tombstoned blocks stay deleted.
            List<Sample> debug = byName(db, "debug_queue").values().iterator().next();
            long firstKept = after.stream().filter(b -> b.maxTime() > cutoff).mapToLong(Tsdb.BlockInfo::minTime).min().orElseThrow();
            assertThat(debug.get(0).t()).isEqualTo(firstKept);
        }
    }

    @Test
    void compactionLeavesOutChunksPastARuleFromABlockStraddlingItsCutoff() {
        RetentionRule debug20h = rule("{__name__=~\"debug_.*\"}", Duration.ofHours(20), Matcher.of(MatchType.REGEX, "__name__", "debug_.*"));
        long cutoff = 60 * HOUR - STEP - 20 * HOUR;
        try (Tsdb db = Tsdb.open(options(dir))) {
            db.setRetentionRules(List.of(debug20h));
            fill(db, 60, 4, 2);
            db.compact();
            // The retention pass leaves this block alone (it ends after the cutoff); compaction built it.
            assertThat(db.blocks()).anySatisfy(b -> assertThat(b.minTime() < cutoff - 2 * HOUR && b.maxTime() > cutoff).isTrue());
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            // On disk, without rules: the debug series keep at most the chunk (2 h of one-minute samples) holding the cutoff before it.
            assertThat(byName(db, "debug_queue")).hasSize(2).allSatisfy((labels, samples) ->
                    assertThat(samples.get(0).t()).isGreaterThanOrEqualTo(cutoff - 2 * HOUR));
            assertThat(byName(db, "node_load1")).hasSize(4).allSatisfy((labels, samples) ->
                    assertThat(samples).hasSize((int) (60 * HOUR / STEP)));
        }
    }

    @Test
    void aBlockWhoseSeriesAllExpiredIsDeleted() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            db.setRetentionRules(List.of(DEBUG_3H));
            fill(db, 12, 0, 3);
            db.compact();
            long cutoff = newest(db) - 3 * HOUR;
            assertThat(db.blocks()).isNotEmpty().allSatisfy(b -> assertThat(b.maxTime()).isGreaterThan(cutoff));
        }
    }

    @Test
    void aRuleLongerThanTheGlobalRetentionKeepsItsSeriesInBlocksTheOthersLeft() {
        RetentionRule upLong = rule("up", Duration.ofHours(10), Matcher.equal("__name__", "up"));
        try (Tsdb db = Tsdb.open(options(dir).withRetention(Duration.ofHours(4)))) {
            db.setRetentionRules(List.of(upLong));
            for (long t = 0; t < 12 * HOUR; t += STEP) {
                Appender app = db.appender();
                app.append(0, Labels.of("__name__", "up", "job", "a"), t, 1);
                app.append(0, Labels.of("__name__", "node_load1", "job", "a"), t, 2);
                app.commit();
            }
            db.compact();
            long newest = 12 * HOUR - STEP;
            List<Sample> up = byName(db, "up").values().iterator().next();
            List<Sample> load = byName(db, "node_load1").values().iterator().next();
            assertThat(up.get(0).t()).isGreaterThanOrEqualTo(newest - 10 * HOUR).isLessThan(newest - 4 * HOUR);
            assertThat(load.get(0).t()).isGreaterThanOrEqualTo(newest - 4 * HOUR);
            // The blocks between the two cutoffs survive and hold `up` alone.
            assertThat(db.blocks().stream().filter(b -> b.maxTime() <= newest - 4 * HOUR)).isNotEmpty()
                    .allSatisfy(b -> assertThat(b.numSeries()).isEqualTo(1));
        }
    }

    @Test
    void firstMatchingRuleWins() {
        RetentionRule debugKeep = rule("{__name__=\"debug_queue\",instance=\"host0\"}", Duration.ofHours(100),
                Matcher.equal("__name__", "debug_queue"), Matcher.equal("instance", "host0"));
        try (Tsdb db = Tsdb.open(options(dir))) {
            db.setRetentionRules(List.of(debugKeep, DEBUG_3H));
            fill(db, 12, 0, 2);
            db.compact();
            Map<Labels, List<Sample>> debug = byName(db, "debug_queue");
            assertThat(debug.get(Labels.of("__name__", "debug_queue", "instance", "host0"))).hasSize((int) (12 * HOUR / STEP));
            assertThat(debug.get(Labels.of("__name__", "debug_queue", "instance", "host1")).get(0).t())
                    .isGreaterThanOrEqualTo(newest(db) - 3 * HOUR);
        }
    }

    @Test
    void queriesHideDataPastItsRuleBeforeAnyPassRuns() {
        RetentionRule debug1h = rule("{__name__=~\"debug_.*\"}", Duration.ofHours(1), Matcher.of(MatchType.REGEX, "__name__", "debug_.*"));
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 3, 2, 1);
            // A series whose data is all older than its rule's retention.
            Appender app = db.appender();
            app.append(0, Labels.of("__name__", "debug_old", "instance", "x"), 0, 1);
            app.commit();
            db.setRetentionRules(List.of(debug1h));
            long newest = 3 * HOUR - STEP;
            assertThat(db.blocks()).isEmpty(); // everything is still in the head
            List<Sample> debug = byName(db, "debug_queue").values().iterator().next();
            assertThat(debug.get(0).t()).isEqualTo(newest - HOUR);
            assertThat(debug).hasSize((int) (HOUR / STEP) + 1);
            assertThat(byName(db, "node_load1").values()).allSatisfy(s -> assertThat(s).hasSize((int) (3 * HOUR / STEP)));
            assertThat(byName(db, "debug_old")).isEmpty();
            try (Querier q = db.querier(0, newest)) {
                assertThat(q.labelValues("__name__", List.of())).containsExactly("debug_queue", "node_load1");
                assertThat(q.labelValues("instance", List.of(Matcher.equal("__name__", "debug_old")))).isEmpty();
            }
            // A query starting after every cutoff is not wrapped and sees the same.
            try (Querier q = db.querier(newest - HOUR / 2, newest)) {
                assertThat(q.labelValues("__name__", List.of())).contains("debug_queue", "node_load1");
            }
            // Seeking before the cutoff lands on it.
            try (Querier q = db.querier(0, newest)) {
                var set = q.select(false, null, List.of(Matcher.equal("__name__", "debug_queue")));
                assertThat(set.next()).isTrue();
                var it = set.at().iterator(null);
                assertThat(it.seek(0)).isTrue();
                assertThat(it.timestamp()).isEqualTo(newest - HOUR);
            }
        }
    }

    @Test
    void reloadedRulesApplyToTheNextQueryAndPass() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 3, 1, 1);
            assertThat(byName(db, "debug_queue").values().iterator().next()).hasSize((int) (3 * HOUR / STEP));
            db.setRetentionRules(List.of(rule("debug_queue", Duration.ofHours(1), Matcher.equal("__name__", "debug_queue"))));
            assertThat(byName(db, "debug_queue").values().iterator().next()).hasSize((int) (HOUR / STEP) + 1);
            db.setRetentionRules(List.of(rule("debug_queue", Duration.ofHours(2), Matcher.equal("__name__", "debug_queue"))));
            assertThat(byName(db, "debug_queue").values().iterator().next()).hasSize((int) (2 * HOUR / STEP) + 1);
            db.setRetentionRules(List.of());
            assertThat(byName(db, "debug_queue").values().iterator().next()).hasSize((int) (3 * HOUR / STEP));
            assertThat(db.retentionRules()).isEmpty();
        }
    }

    @Test
    void usageCountsSeriesAndBytesPerRuleThenTheRest() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            db.setRetentionRules(List.of(rule("debug_queue", Duration.ofDays(1), Matcher.equal("__name__", "debug_queue"))));
            fill(db, 7, 3, 1);
            db.compact();
            assertThat(db.blocks()).isNotEmpty();
            List<Tsdb.RuleUsage> usage = db.retentionUsage();
            assertThat(usage).extracting(Tsdb.RuleUsage::selector).containsExactly("debug_queue", "");
            assertThat(usage).extracting(Tsdb.RuleUsage::retention).containsExactly(Duration.ofDays(1), Duration.ofDays(15));
            assertThat(usage).extracting(Tsdb.RuleUsage::headSeries).containsExactly(1L, 3L);
            assertThat(usage.get(0).blockSeries()).isEqualTo(db.blocks().size());
            assertThat(usage.get(1).blockSeries()).isEqualTo(3L * db.blocks().size());
            // Equal series with equal values: the rest holds about three times the rule's bytes.
            assertThat(usage.get(0).bytes()).isPositive();
            assertThat((double) usage.get(1).bytes() / usage.get(0).bytes()).isBetween(2.5, 3.5);
            assertThat(db.stats().retentionRules()).hasSize(2);
            db.setRetentionRules(List.of());
            assertThat(db.stats().retentionRules()).isEmpty();
        }
    }
}
