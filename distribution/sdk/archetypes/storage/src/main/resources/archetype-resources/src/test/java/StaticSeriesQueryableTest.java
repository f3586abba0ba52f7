package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The Querier contract as the query engine relies on it: matching, the inclusive time range, sorted label values and names. */
class StaticSeriesQueryableTest {

    private final Queryable queryable = new StaticSeriesQueryable();

    private static List<String> select(Querier querier, Matcher... matchers) {
        SeriesSet set = querier.select(true, SelectHints.range(0, 0), List.of(matchers));
        List<String> found = new ArrayList<>();
        while (set.next()) {
            found.add(set.at().labels().get("instance"));
        }
        assertThat(set.error()).isNull();
        return found;
    }

    @Test
    void selectsTheSeriesEveryMatcherMatches() {
        try (Querier querier = queryable.querier(0, 600_000)) {
            assertThat(select(querier, Matcher.equal("__name__", StaticSeriesQueryable.METRIC))).containsExactly("a", "b");
            assertThat(select(querier, Matcher.equal("__name__", StaticSeriesQueryable.METRIC), Matcher.equal("instance", "b")))
                    .containsExactly("b");
            assertThat(select(querier, Matcher.of(MatchType.REGEX, "instance", "a|c"))).containsExactly("a");
            assertThat(select(querier, Matcher.equal("__name__", "other"))).isEmpty();
        }
    }

    @Test
    void refusesMatchersThatAllMatchTheEmptyString() {
        try (Querier querier = queryable.querier(0, 600_000)) {
            SeriesSet set = querier.select(false, null, List.of(Matcher.of(MatchType.REGEX, "instance", ".*")));
            assertThat(set.next()).isFalse();
            assertThat(set.error()).isNotNull();
        }
    }

    @Test
    void returnsSamplesWithinTheInclusiveRangeOnly() {
        try (Querier querier = queryable.querier(60_000, 180_000)) {
            SeriesSet set = querier.select(false, null, List.of(Matcher.equal("instance", "a")));
            assertThat(set.next()).isTrue();
            SampleIterator samples = set.at().iterator(null);
            List<Long> timestamps = new ArrayList<>();
            while (samples.next()) {
                timestamps.add(samples.timestamp());
                assertThat(samples.value()).isEqualTo(1.0);
            }
            assertThat(timestamps).containsExactly(60_000L, 120_000L, 180_000L);
        }
    }

    @Test
    void listsSortedLabelValuesAndNames() {
        try (Querier querier = queryable.querier(0, 60_000)) {
            assertThat(querier.labelValues("instance", List.of())).containsExactly("a", "b");
            assertThat(querier.labelValues("instance", List.of(Matcher.equal("instance", "b")))).containsExactly("b");
            assertThat(querier.labelNames(List.of())).containsExactly("__name__", "instance", "source");
        }
    }

    @Test
    void isListedForServiceLoader() {
        assertThat(ServiceLoader.load(Queryable.class).stream().map(p -> p.type().getName()))
                .contains(StaticSeriesQueryable.class.getName());
    }
}
