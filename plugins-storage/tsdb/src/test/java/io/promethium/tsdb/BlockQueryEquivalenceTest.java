package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every matcher kind selects the same series, labels and samples from blocks (Lucene) as from the head. */
class BlockQueryEquivalenceTest {
    @TempDir
    Path dir;

    private static final List<List<Matcher>> SELECTORS = List.of(
            List.of(Matcher.equal("job", "api")),
            List.of(Matcher.equal("__name__", "up"), Matcher.of(MatchType.NOT_EQUAL, "env", "prod")),
            List.of(Matcher.of(MatchType.REGEX, "instance", "a.*|c:9090")),
            List.of(Matcher.of(MatchType.REGEX, "instance", "(?i)A:9090")),
            List.of(Matcher.equal("__name__", "up"), Matcher.of(MatchType.NOT_REGEX, "instance", "a.*")),
            List.of(Matcher.equal("__name__", "up"), Matcher.equal("env", "")),
            List.of(Matcher.of(MatchType.REGEX, "__name__", ".+"), Matcher.of(MatchType.REGEX, "env", "|prod")),
            List.of(Matcher.of(MatchType.REGEX, "code", "[25]\\d\\d"), Matcher.of(MatchType.NOT_REGEX, "code", "5..")),
            List.of(Matcher.of(MatchType.REGEX, "__name__", "nope.*")));

    private static Map<Labels, List<TestSupport.Sample>> select(Tsdb db, List<Matcher> m) {
        return TestSupport.read(db, 0, Long.MAX_VALUE, m.toArray(Matcher[]::new));
    }

    @Test
    void blocksAndHeadAnswerEverySelectorAlike() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            Appender app = db.appender();
            String[][] series = {{"up", "api", "a:9090", ""}, {"up", "api", "b:9090", ""}, {"up", "db", "c:9090", "prod"},
                    {"http_requests_total", "api", "a:9090", ""}};
            for (int i = 0; i < 200; i++) {
                for (String[] s : series) {
                    Labels.Builder b = Labels.builder().set("__name__", s[0]).set("job", s[1]).set("instance", s[2]).set("env", s[3]);
                    if (s[0].startsWith("http")) {
                        b.set("code", i % 2 == 0 ? "200" : "503");
                    }
                    app.append(0, b.build(), i * 60_000L, i);
                }
            }
            app.commit();
            List<Map<Labels, List<TestSupport.Sample>>> fromHead = new ArrayList<>();
            List<List<String>> valuesFromHead = new ArrayList<>();
            for (List<Matcher> m : SELECTORS) {
                fromHead.add(select(db, m));
                try (Querier q = db.querier(0, Long.MAX_VALUE)) {
                    valuesFromHead.add(q.labelValues("instance", m));
                }
            }
            db.flushHead();
            assertThat(db.blocks()).isNotEmpty();
            for (int i = 0; i < SELECTORS.size(); i++) {
                assertThat(select(db, SELECTORS.get(i))).as("selector %s", SELECTORS.get(i)).isEqualTo(fromHead.get(i));
                try (Querier q = db.querier(0, Long.MAX_VALUE)) {
                    assertThat(q.labelValues("instance", SELECTORS.get(i))).isEqualTo(valuesFromHead.get(i));
                }
            }
            assertThat(fromHead.get(7)).hasSize(1);
        }
    }

    @Test
    void aSelectHintedForTheSeriesApiListsTheSeriesAndSamplesAFullSelectDoes() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            Appender app = db.appender();
            for (int i = 0; i < 200; i++) {
                for (int s = 0; s < 6; s++) {
                    // Series 4 and 5 end early and start late, so that some ranges miss them.
                    if (s == 4 && i >= 50 || s == 5 && i < 150) {
                        continue;
                    }
                    app.append(0, Labels.of("__name__", "up", "instance", "h" + s), i * 60_000L, i);
                }
            }
            app.commit();
            db.flushHead();
            assertThat(db.blocks()).isNotEmpty();
            // A tombstone hiding all of one series and part of another.
            db.delete(List.of(Matcher.equal("instance", "h1")), 0, Long.MAX_VALUE);
            db.delete(List.of(Matcher.equal("instance", "h2")), 0, 100 * 60_000L);
            long[][] ranges = {{0, Long.MAX_VALUE}, {0, 30 * 60_000L}, {60 * 60_000L, 90 * 60_000L}, {160 * 60_000L, 170 * 60_000L},
                    {300 * 60_000L, 400 * 60_000L}};
            for (long[] r : ranges) {
                Map<Labels, List<TestSupport.Sample>> full = TestSupport.read(db, r[0], r[1], Matcher.equal("__name__", "up"));
                Map<Labels, List<TestSupport.Sample>> listed = new java.util.LinkedHashMap<>();
                try (Querier q = db.querier(r[0], r[1])) {
                    io.promethium.api.storage.SeriesSet set = q.select(true,
                            new io.promethium.api.storage.SelectHints(r[0], r[1], 0, "series", 0, List.of(), false),
                            List.of(Matcher.equal("__name__", "up")));
                    while (set.next()) {
                        List<TestSupport.Sample> samples = new ArrayList<>();
                        io.promethium.api.storage.SampleIterator it = set.at().iterator(null);
                        while (it.next()) {
                            samples.add(new TestSupport.Sample(it.timestamp(), it.value()));
                        }
                        listed.put(set.at().labels(), samples);
                    }
                }
                assertThat(listed).as("range %d..%d", r[0], r[1]).isEqualTo(full);
            }
            assertThat(TestSupport.read(db, 0, 30 * 60_000L, Matcher.equal("__name__", "up"))).hasSize(3);
        }
    }
}
