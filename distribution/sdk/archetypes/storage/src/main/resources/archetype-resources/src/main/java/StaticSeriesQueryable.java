package ${package};

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.ArraySampleIterator;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Component;

/**
 * A secondary source of series: the query engine merges what it returns into every query over the
 * server's own storage, as Prometheus's fan-out storage does, and a failure here becomes a warning
 * of the query, not its error. This one serves a fixed table, one sample a minute: replace
 * {@link #TABLE} and {@link #samples} with reads from your own store and keep the matching.
 * A {@code Querier} need not be thread-safe; the {@code Queryable} is (it keeps no state).
 */
@Component(service = Queryable.class, property = Queryable.ROLE_PROPERTY + "=" + Queryable.ROLE_SECONDARY)
public final class StaticSeriesQueryable implements Queryable {

    static final String METRIC = "${pluginType}_static_value";
    static final long STEP_MILLIS = 60_000;

    /** The series served (sorted by labels, as a sorted select must return them) and each one's value. */
    static final List<Labels> TABLE = List.of(
            Labels.of("__name__", METRIC, "instance", "a", "source", "${pluginType}"),
            Labels.of("__name__", METRIC, "instance", "b", "source", "${pluginType}"));
    static final double[] VALUES = {1, 0};

    @Override
    public Querier querier(long minTime, long maxTime) {
        return new StaticQuerier(minTime, maxTime);
    }

    /** The samples of series {@code index} in [minTime, maxTime], at whole minutes. */
    static SampleIterator samples(int index, long minTime, long maxTime) {
        long first = Math.floorDiv(minTime + STEP_MILLIS - 1, STEP_MILLIS) * STEP_MILLIS;
        int count = first > maxTime ? 0 : (int) Math.min(Integer.MAX_VALUE - 8, (maxTime - first) / STEP_MILLIS + 1);
        long[] timestamps = new long[count];
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            timestamps[i] = first + i * STEP_MILLIS;
            values[i] = VALUES[index];
        }
        return new ArraySampleIterator(timestamps, values);
    }

    static boolean matches(Labels labels, List<Matcher> matchers) {
        for (Matcher matcher : matchers) {
            String value = labels.get(matcher.name());
            if (!matcher.matches(value == null ? "" : value)) {
                return false;
            }
        }
        return true;
    }

    private record StaticQuerier(long minTime, long maxTime) implements Querier {

        @Override
        public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
            if (matchers.stream().allMatch(Matcher::matchesEmpty)) {
                return SeriesSet.failed(new IllegalArgumentException("at least one matcher must not match the empty string"));
            }
            // Hints (what the caller will compute) may be null; a store that can use them to read less does.
            List<Series> found = new ArrayList<>();
            for (int i = 0; i < TABLE.size(); i++) {
                Labels labels = TABLE.get(i);
                if (matches(labels, matchers)) {
                    int index = i;
                    found.add(new Series() {
                        @Override
                        public Labels labels() {
                            return labels;
                        }

                        @Override
                        public SampleIterator iterator(SampleIterator reuse) {
                            return samples(index, minTime, maxTime);
                        }
                    });
                }
            }
            return SeriesSet.ofList(found);
        }

        @Override
        public List<String> labelValues(String name, List<Matcher> matchers) {
            TreeSet<String> values = new TreeSet<>();
            for (Labels labels : TABLE) {
                String value = labels.get(name);
                if (value != null && !value.isEmpty() && matches(labels, matchers)) {
                    values.add(value);
                }
            }
            return List.copyOf(values);
        }

        @Override
        public List<String> labelNames(List<Matcher> matchers) {
            TreeSet<String> names = new TreeSet<>();
            for (Labels labels : TABLE) {
                if (matches(labels, matchers)) {
                    labels.forEach((name, value) -> names.add(name));
                }
            }
            return List.copyOf(names);
        }

        @Override
        public void close() {
            // Nothing held: a store with files or connections releases them here.
        }
    }
}
