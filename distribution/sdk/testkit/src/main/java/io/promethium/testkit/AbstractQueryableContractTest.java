package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Querier} contract of a read-only {@link Queryable} (a secondary source merged into
 * queries, a remote read), checked against the data it holds: a plugin's test extends this class
 * and returns its queryable holding at least two series. The base reads every series once (the
 * reference) and checks that the querier answers every other question consistently with it:
 * <ul>
 * <li>series come sorted by labels, samples in increasing time;</li>
 * <li>each matcher type selects exactly the series it matches, regexes anchored, a missing
 *     label matching the empty string;</li>
 * <li>a querier's time range is inclusive and exact;</li>
 * <li>label names and values are sorted, distinct and those of the matching series;</li>
 * <li>matchers that all match the empty string are an error, not every series;</li>
 * <li>{@link SampleIterator#seek} agrees with {@link SampleIterator#next};</li>
 * <li>each {@link io.promethium.api.storage.Series#iterator} call answers an iterator of its own,
 *     also when several are read at once on several threads (the query engine reads a long
 *     series' steps in parts on several cores).</li>
 * </ul>
 * Label calls are made with a matcher: a remote read source may refuse them without one, as
 * Prometheus's does.
 */
public abstract class AbstractQueryableContractTest {

    private static final Matcher ANY_NAME = Matcher.of(MatchType.REGEX, "__name__", ".+");

    /** The queryable under test, holding at least two series with samples. */
    protected abstract Queryable queryable() throws Exception;

    /**
     * The time range the checks read, {@code [start, end]} in milliseconds: by default everything.
     * A source that computes its samples for any range (one a minute, forever) names a bounded one.
     */
    protected long[] range() {
        return new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
    }

    /** Closes what {@link #queryable()} opened; by default the queryable when it is {@link AutoCloseable}. */
    protected void closeQueryable(Queryable queryable) throws Exception {
        if (queryable instanceof AutoCloseable c) {
            c.close();
        }
    }

    /** One sample as read: its time and the bits of its float value (a histogram's text otherwise). */
    protected record Read(long t, String value) {
    }

    private Queryable queryable;
    private Map<Labels, List<Read>> all;
    private long start;
    private long end;

    @BeforeEach
    final void readEverything() throws Exception {
        queryable = queryable();
        start = range()[0];
        end = range()[1];
        all = select(start, end, ANY_NAME);
    }

    @AfterEach
    final void closeContract() throws Exception {
        if (queryable != null) {
            closeQueryable(queryable);
        }
    }

    /** Every series matching {@code matchers} in {@code [mint, maxt]}, in the order returned. */
    protected Map<Labels, List<Read>> select(long mint, long maxt, Matcher... matchers) {
        try (Querier q = queryable.querier(mint, maxt)) {
            SeriesSet set = q.select(true, null, List.of(matchers));
            Map<Labels, List<Read>> out = new LinkedHashMap<>();
            SampleIterator it = null;
            while (set.next()) {
                List<Read> samples = new ArrayList<>();
                it = set.at().iterator(it);
                while (it.next()) {
                    samples.add(read(it));
                }
                assertThat(it.error()).as("iterator error of " + set.at().labels()).isNull();
                assertThat(out.put(set.at().labels(), samples)).as("series " + set.at().labels() + " returned twice").isNull();
            }
            assertThat(set.error()).as("series set error").isNull();
            return out;
        }
    }

    private static Read read(SampleIterator it) {
        return new Read(it.timestamp(), switch (it.valueType()) {
            case HISTOGRAM -> it.histogram().toString().replaceFirst("hint=[A-Z_]+, ", "");
            case FLOAT_HISTOGRAM -> it.floatHistogram().toString().replaceFirst("hint=[A-Z_]+, ", "");
            default -> Long.toHexString(Double.doubleToRawLongBits(it.value()));
        });
    }

    /** A label other than {@code __name__} of the first series that has one, with its value. */
    private String[] someLabel() {
        for (Labels l : all.keySet()) {
            for (String name : l.names()) {
                if (!name.equals("__name__")) {
                    return new String[] {name, l.get(name)};
                }
            }
        }
        throw new AssertionError("no series has a label besides __name__: hold series with labels");
    }

    @Test
    void itHoldsSeriesSortedWithSamplesInTimeOrder() {
        assertThat(all).as("series held (the contract needs two)").hasSizeGreaterThanOrEqualTo(2);
        assertThat(new ArrayList<>(all.keySet())).as("series sorted by labels").isSorted();
        all.forEach((labels, samples) -> {
            assertThat(samples).as("samples of " + labels).isNotEmpty();
            for (int i = 1; i < samples.size(); i++) {
                assertThat(samples.get(i).t()).as("timestamps of " + labels + " increase").isGreaterThan(samples.get(i - 1).t());
            }
        });
    }

    @Test
    void eachMatcherTypeSelectsExactlyTheSeriesItMatches() {
        String[] label = someLabel();
        String name = label[0];
        String value = label[1];
        List<Matcher> matchers = new ArrayList<>(List.of(Matcher.of(MatchType.EQUAL, name, value),
                Matcher.of(MatchType.NOT_EQUAL, name, value), Matcher.of(MatchType.REGEX, name, value + "|no-such-value"),
                Matcher.of(MatchType.NOT_REGEX, name, value), Matcher.of(MatchType.EQUAL, name, ""),
                Matcher.of(MatchType.EQUAL, "no_such_label", "")));
        if (value.length() > 1) {
            matchers.add(Matcher.of(MatchType.REGEX, name, value.substring(1))); // anchored: matches no series with value
            matchers.add(Matcher.of(MatchType.REGEX, name, value.substring(0, value.length() - 1)));
        }
        for (Matcher m : matchers) {
            List<Labels> expected = all.keySet().stream().filter(l -> m.matches(l.has(m.name()) ? l.get(m.name()) : "")).toList();
            assertThat(List.copyOf(select(start, end, ANY_NAME, m).keySet())).as("series selected by " + m)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aQuerierRangeIsInclusiveAndExact() {
        Map.Entry<Labels, List<Read>> longest = all.entrySet().stream().max((a, b) -> Integer.compare(a.getValue().size(), b.getValue().size()))
                .orElseThrow();
        List<Read> samples = longest.getValue();
        long mint = samples.get(samples.size() > 2 ? 1 : 0).t();
        long maxt = samples.get(samples.size() > 2 ? samples.size() - 2 : samples.size() - 1).t();
        Map<Labels, List<Read>> window = select(mint, maxt, ANY_NAME);
        all.forEach((labels, list) -> {
            List<Read> expected = list.stream().filter(r -> r.t() >= mint && r.t() <= maxt).toList();
            if (expected.isEmpty()) {
                assertThat(window.getOrDefault(labels, List.of())).as("samples of " + labels + " in [" + mint + ", " + maxt + "]").isEmpty();
            } else {
                assertThat(window.get(labels)).as("samples of " + labels + " in [" + mint + ", " + maxt + "]").isEqualTo(expected);
            }
        });
    }

    @Test
    void labelNamesAndValuesAreThoseOfTheMatchingSeriesSortedAndDistinct() {
        String[] label = someLabel();
        Matcher one = Matcher.of(MatchType.EQUAL, label[0], label[1]);
        TreeSet<String> names = new TreeSet<>();
        TreeSet<String> values = new TreeSet<>();
        TreeSet<String> namesOfOne = new TreeSet<>();
        all.keySet().forEach(l -> {
            names.addAll(l.names());
            if (l.has(label[0])) {
                values.add(l.get(label[0]));
            }
            if (one.matches(l.has(label[0]) ? l.get(label[0]) : "")) {
                namesOfOne.addAll(l.names());
            }
        });
        try (Querier q = queryable.querier(start, end)) {
            assertThat(q.labelNames(List.of(ANY_NAME))).containsExactlyElementsOf(names);
            assertThat(q.labelValues(label[0], List.of(ANY_NAME))).containsExactlyElementsOf(values);
            assertThat(q.labelNames(List.of(ANY_NAME, one))).containsExactlyElementsOf(namesOfOne);
            assertThat(q.labelValues(label[0], List.of(ANY_NAME, one))).containsExactly(label[1]);
        }
    }

    @Test
    void matchersThatAllMatchTheEmptyStringAreAnError() {
        try (Querier q = queryable.querier(start, end)) {
            SeriesSet set = q.select(false, null, List.of(Matcher.of(MatchType.REGEX, someLabel()[0], ".*")));
            assertThat(set.next()).as("a series for matchers that all match the empty string").isFalse();
            assertThat(set.error()).as("the error").isNotNull();
        }
    }

    @Test
    void aSeriesAnswersIteratorsOfTheirOwnAlsoReadOnSeveralThreadsAtOnce() throws Exception {
        Map.Entry<Labels, List<Read>> longest = all.entrySet().stream().max((a, b) -> Integer.compare(a.getValue().size(), b.getValue().size()))
                .orElseThrow();
        try (Querier q = queryable.querier(start, end)) {
            List<Matcher> exact = new ArrayList<>();
            longest.getKey().forEach((n, v) -> exact.add(Matcher.of(MatchType.EQUAL, n, v)));
            SeriesSet set = q.select(true, null, exact);
            assertThat(set.next()).as(longest.getKey() + " selected by its own labels").isTrue();
            SeriesIterators.assertEachReadsAlone(set.at(), longest.getValue(), AbstractQueryableContractTest::read);
        }
    }

    @Test
    void seekAgreesWithNext() {
        Map.Entry<Labels, List<Read>> longest = all.entrySet().stream().max((a, b) -> Integer.compare(a.getValue().size(), b.getValue().size()))
                .orElseThrow();
        List<Read> samples = longest.getValue();
        Labels labels = longest.getKey();
        try (Querier q = queryable.querier(start, end)) {
            List<Matcher> exact = new ArrayList<>();
            labels.forEach((n, v) -> exact.add(Matcher.of(MatchType.EQUAL, n, v)));
            SeriesSet set = q.select(true, null, exact);
            assertThat(set.next()).as(labels + " selected by its own labels").isTrue();
            SampleIterator it = set.at().iterator(null);
            Read target = samples.get(samples.size() / 2);
            assertThat(it.seek(target.t())).isTrue();
            assertThat(read(it)).isEqualTo(target);
            assertThat(it.seek(Long.MIN_VALUE)).as("seek never goes back").isTrue();
            assertThat(read(it)).isEqualTo(target);
            assertThat(it.seek(samples.get(samples.size() - 1).t() + 1)).as("seek past the last sample").isFalse();
        }
    }
}
