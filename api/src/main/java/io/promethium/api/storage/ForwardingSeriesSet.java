package io.promethium.api.storage;

import java.util.List;

/**
 * A series set that reads another and answers every question as it does; {@link SeriesSet}'s
 * factories override the one answer they change ({@link SeriesSet#withResolution},
 * {@link SeriesSet#ofList(List, List)}).
 */
class ForwardingSeriesSet implements SeriesSet {

    private final SeriesSet set;

    ForwardingSeriesSet(SeriesSet set) {
        this.set = set;
    }

    @Override
    public boolean next() {
        return set.next();
    }

    @Override
    public Series at() {
        return set.at();
    }

    @Override
    public List<Series> toList() {
        return set.toList();
    }

    @Override
    public Throwable error() {
        return set.error();
    }

    @Override
    public List<String> warnings() {
        return set.warnings();
    }

    @Override
    public long resolution() {
        return set.resolution();
    }
}
