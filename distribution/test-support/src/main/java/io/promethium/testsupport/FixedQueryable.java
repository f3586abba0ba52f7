package io.promethium.testsupport;

import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import java.util.List;
import java.util.function.Supplier;

/**
 * A storage view for tests of what reads one: every select, whatever its range and matchers,
 * answers the series set {@code select} supplies (a fixed list, a failed set); no label names or
 * values.
 */
public final class FixedQueryable implements Queryable {
    private final Supplier<SeriesSet> select;

    private FixedQueryable(Supplier<SeriesSet> select) {
        this.select = select;
    }

    /** A view whose every select answers {@code select.get()}. */
    public static FixedQueryable of(Supplier<SeriesSet> select) {
        return new FixedQueryable(select);
    }

    @Override
    public Querier querier(long minTime, long maxTime) {
        return new Querier() {
            @Override
            public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
                return select.get();
            }

            @Override
            public List<String> labelValues(String name, List<Matcher> matchers) {
                return List.of();
            }

            @Override
            public List<String> labelNames(List<Matcher> matchers) {
                return List.of();
            }

            @Override
            public void close() {
            }
        };
    }
}
