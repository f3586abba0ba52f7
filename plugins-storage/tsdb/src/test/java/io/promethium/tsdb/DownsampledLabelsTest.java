package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The series and label lookups (what {@code /api/v1/series}, {@code /api/v1/labels} and
 * {@code /api/v1/label/x/values} ask the storage) over a range whose raw data has expired: raw
 * data is kept 20 h, the 5 m and 1 h companions for ever, and {@code old} is written only in the
 * first 12 h of 60, so after them only companions hold it. {@code live} is written throughout, in
 * raw blocks and companions both, and must be listed once.
 */
class DownsampledLabelsTest {
    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;
    static final long HOURS = 60;
    static final Labels OLD = Labels.of("__name__", "old", "job", "batch", "zone", "z1");
    static final Labels LIVE = Labels.of("__name__", "live", "job", "web");
    static final SelectHints SERIES = new SelectHints(0, HOURS * HOUR, 0, "series", 0, List.of(), false);

    @TempDir
    Path dir;

    private static Tsdb open(Path dir) {
        Tsdb db = Tsdb.open(options(dir).withRetention(Duration.ofHours(20)));
        db.setDownsampling(List.of(new DownsamplingLevel(Duration.ofMinutes(5), Duration.ofHours(4), Duration.ZERO),
                new DownsamplingLevel(Duration.ofHours(1), Duration.ofHours(4), Duration.ZERO)));
        return db;
    }

    private static void fill(Tsdb db) {
        for (long h = 0; h < HOURS; h += 6) {
            for (long t = h * HOUR + MIN; t <= (h + 6) * HOUR; t += MIN) {
                Appender app = db.appender();
                app.append(0, LIVE, t, t % 7);
                if (t <= 12 * HOUR) {
                    app.append(0, OLD, t, 1);
                }
                app.commit();
            }
            db.compact();
        }
        long oldestRaw = db.blocks.stream().mapToLong(b -> b.meta().minTime()).min().orElseThrow();
        assertThat(oldestRaw).as("raw data of the first 12 h expired").isGreaterThan(12 * HOUR);
        assertThat(db.downsampledBlocks).as("companions hold it").anyMatch(b -> b.meta().minTime() == 0);
    }

    private static List<Labels> series(Tsdb db, long from, long to, List<Matcher> matchers) {
        List<Labels> out = new ArrayList<>();
        try (Querier q = db.querier(from, to)) {
            SeriesSet set = q.select(true, new SelectHints(from, to, 0, "series", 0, List.of(), false), matchers);
            while (set.next()) {
                out.add(set.at().labels());
                assertThat(set.at().iterator(null).next()).as("listed series yield no aggregate as a sample").isIn(
                        set.at().labels().equals(OLD) ? List.of(false) : List.of(true, false));
            }
            assertThat(set.error()).isNull();
        }
        return out;
    }

    private static List<Matcher> all() {
        return List.of(Matcher.of(MatchType.REGEX, "__name__", ".+"));
    }

    @Test
    void seriesLabelNamesAndValuesWhereOnlyCompanionsHoldTheDataAreFound() {
        try (Tsdb db = open(dir)) {
            fill(db);
            assertThat(series(db, 0, 12 * HOUR, all())).containsExactly(LIVE, OLD);
            assertThat(series(db, 0, 12 * HOUR, List.of(Matcher.equal("job", "batch")))).containsExactly(OLD);
            try (Querier q = db.querier(0, 12 * HOUR)) {
                assertThat(q.labelNames(List.of())).containsExactly("__name__", "job", "zone");
                assertThat(q.labelValues("__name__", List.of())).containsExactly("live", "old");
                assertThat(q.labelValues("job", List.of(Matcher.equal("__name__", "old")))).containsExactly("batch");
                assertThat(q.labelNames(List.of(Matcher.equal("__name__", "live")))).containsExactly("__name__", "job");
            }
        }
    }

    @Test
    void aSeriesInRawBlocksAndCompanionsIsListedOnceAndSamplesStayRaw() {
        try (Tsdb db = open(dir)) {
            fill(db);
            assertThat(series(db, 0, HOURS * HOUR, all())).containsExactly(LIVE, OLD);
            try (Querier q = db.querier(0, HOURS * HOUR)) {
                assertThat(q.labelValues("job", List.of())).containsExactly("batch", "web");
                // A plain select (no "series" hint) reads raw samples only: the companion-only series is not invented.
                SeriesSet set = q.select(true, SelectHints.range(0, HOURS * HOUR), all());
                List<Labels> raw = new ArrayList<>();
                while (set.next()) {
                    raw.add(set.at().labels());
                }
                assertThat(raw).containsExactly(LIVE);
            }
        }
    }

    @Test
    void aRangeRawDataCoversReadsNoCompanion() {
        try (Tsdb db = open(dir)) {
            fill(db);
            assertThat(series(db, 50 * HOUR, HOURS * HOUR, all())).containsExactly(LIVE);
            try (Querier q = db.querier(50 * HOUR, HOURS * HOUR)) {
                assertThat(q.labelNames(List.of())).containsExactly("__name__", "job");
                assertThat(q.labelValues("__name__", List.of())).containsExactly("live");
            }
        }
    }

    @Test
    void deletedSeriesAndSeriesPastTheirRuleAreNotListedFromCompanions() {
        try (Tsdb db = open(dir)) {
            fill(db);
            db.delete(List.of(Matcher.equal("job", "batch")), 0, HOURS * HOUR);
            assertThat(series(db, 0, 12 * HOUR, all())).containsExactly(LIVE);
            try (Querier q = db.querier(0, 12 * HOUR)) {
                assertThat(q.labelValues("__name__", List.of())).containsExactly("live");
                assertThat(q.labelNames(List.of())).containsExactly("__name__", "job");
            }
        }
        try (Tsdb db = open(dir.resolve("rule"))) {
            fill(db);
            // The newest data is at 60 h: a 40 h rule hides old (last point at 12 h), not live.
            db.setRetentionRules(List.of(new RetentionRule("{job=\"batch\"}", List.of(Matcher.equal("job", "batch")),
                    Duration.ofHours(40))));
            assertThat(series(db, 0, HOURS * HOUR, all())).containsExactly(LIVE);
            try (Querier q = db.querier(0, HOURS * HOUR)) {
                assertThat(q.labelValues("__name__", List.of())).containsExactly("live");
            }
            db.setRetentionRules(List.of(new RetentionRule("{job=\"batch\"}", List.of(Matcher.equal("job", "batch")),
                    Duration.ofHours(55))));
            assertThat(series(db, 0, HOURS * HOUR, all())).as("a rule whose cutoff leaves some of it").containsExactly(LIVE, OLD);
            try (Querier q = db.querier(0, HOURS * HOUR)) {
                assertThat(q.labelValues("job", List.of())).containsExactly("batch", "web");
            }
        }
    }
}
