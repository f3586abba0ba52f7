package io.promethium.testsupport;

import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Series;
import io.promethium.api.storage.SeriesSet;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A storage view for tests of what reads one: another view whose every selected series passes
 * through {@code map} first (to wrap its iterators, or to break one); label names and values and
 * closing go to the other view unchanged.
 */
public final class SeriesMappingQueryable {
    private SeriesMappingQueryable() {
    }

    /** {@code storage} with each selected series replaced by {@code map}'s answer for it. */
    public static Queryable of(Queryable storage, UnaryOperator<Series> map) {
        return (minTime, maxTime) -> {
            Querier q = storage.querier(minTime, maxTime);
            return new Querier() {
                @Override
                public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
                    SeriesSet set = q.select(sorted, hints, matchers);
                    List<Series> out = new ArrayList<>();
                    while (set.next()) {
                        out.add(map.apply(set.at()));
                    }
                    return SeriesSet.ofList(out);
                }

                @Override
                public List<String> labelValues(String name, List<Matcher> matchers) {
                    return q.labelValues(name, matchers);
                }

                @Override
                public List<String> labelNames(List<Matcher> matchers) {
                    return q.labelNames(matchers);
                }

                @Override
                public void close() {
                    q.close();
                }
            };
        };
    }
}
