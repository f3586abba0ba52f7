package io.promethium.testkit;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.WalPosition;
import io.promethium.api.storage.WalVisitor;
import io.promethium.api.storage.WalWatchable;
import java.nio.file.Path;
import java.util.List;

/**
 * An agent-like storage for the kit's own tests: it keeps what it is given (in a {@link MemoryStorage})
 * but cannot be queried; what it committed is read through a {@link WalWatchable} that replays the
 * kept samples. Its select fails with an error, or, {@code answersEmpty}, answers no series without
 * one: the broken case.
 */
final class WalOnlyStorage implements Storage {

    private final MemoryStorage kept = new MemoryStorage();
    private final boolean answersEmpty;

    WalOnlyStorage(boolean answersEmpty) {
        this.answersEmpty = answersEmpty;
    }

    @Override
    public Appender appender() {
        return kept.appender();
    }

    @Override
    public long startTime() {
        return kept.startTime();
    }

    @Override
    public Querier querier(long minTime, long maxTime) {
        return new Querier() {
            @Override
            public SeriesSet select(boolean sorted, io.promethium.api.storage.SelectHints hints, List<Matcher> matchers) {
                return answersEmpty ? SeriesSet.empty() : SeriesSet.failed(new StorageException(StorageException.Reason.CLOSED, "cannot be queried"));
            }

            @Override
            public List<String> labelValues(String name, List<Matcher> matchers) {
                throw new StorageException(StorageException.Reason.CLOSED, "cannot be queried");
            }

            @Override
            public List<String> labelNames(List<Matcher> matchers) {
                throw new StorageException(StorageException.Reason.CLOSED, "cannot be queried");
            }

            @Override
            public void close() {
            }
        };
    }

    /** A one-record "log": everything committed so far, replayed from the start. */
    WalWatchable wal() {
        return new WalWatchable() {
            private static final WalPosition END = new WalPosition(0, 1);

            @Override
            public Path stateDirectory() {
                return null;
            }

            @Override
            public WalPosition end() {
                return END;
            }

            @Override
            public WalPosition oldest() {
                return WalPosition.START;
            }

            @Override
            public void seriesBefore(WalPosition position, WalVisitor visitor) {
            }

            @Override
            public WalPosition read(WalPosition from, long maxBytes, WalVisitor visitor) {
                if (from.compareTo(END) >= 0) {
                    return from;
                }
                try (Querier q = kept.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                    SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.REGEX, "__name__", ".+")));
                    long ref = 0;
                    SampleIterator it = null;
                    while (set.next()) {
                        ref++;
                        Labels labels = set.at().labels();
                        visitor.series(ref, labels);
                        it = set.at().iterator(it);
                        while (it.next()) {
                            switch (it.valueType()) {
                                case HISTOGRAM -> visitor.histogram(ref, it.timestamp(), it.histogram());
                                case FLOAT_HISTOGRAM -> visitor.floatHistogram(ref, it.timestamp(), it.floatHistogram());
                                default -> visitor.sample(ref, it.timestamp(), it.value());
                            }
                        }
                    }
                }
                return END;
            }
        };
    }
}
