package io.promethium.api.storage;

import io.promethium.api.model.Matcher;
import java.util.List;

/** The sentinel querier over no data. */
final class EmptyQuerier implements Querier {
    static final EmptyQuerier INSTANCE = new EmptyQuerier();

    private EmptyQuerier() {
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers) {
        return SeriesSet.empty();
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
}
