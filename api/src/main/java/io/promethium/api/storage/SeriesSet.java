package io.promethium.api.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * An iterator over series: call {@link #next()} until it returns false, reading {@link #at()}
 * after each true; then check {@link #error()}. {@link #at()} is undefined before the first
 * {@link #next()}.
 */
public interface SeriesSet {

    boolean next();

    Series at();

    /**
     * The series not yet iterated, in iteration order, for a caller that keeps them all (an
     * engine evaluating a selector): call it instead of {@link #next()}, then read
     * {@link #error()}. A storage may answer with a view that makes each element as it is read
     * (equal in labels and samples, not the same object each time), so that the caller holds no
     * object per series: at millions of series, such objects live as long as the query and every
     * young collection meanwhile copies them. Since 1.18.0.
     */
    default List<Series> toList() {
        List<Series> out = new ArrayList<>();
        while (next()) {
            out.add(at());
        }
        return out;
    }

    /** The error that ended iteration early, or {@code null}. Read after {@link #next()} returned false. */
    default Throwable error() {
        return null;
    }

    /** Non-fatal problems met while selecting (for example, a block that could not be read). */
    default List<String> warnings() {
        return List.of();
    }

    /**
     * The coarsest downsampled resolution (ms) some of this set's samples came from, {@link SelectHints#RAW}
     * when all are raw; known once {@link #next()} returned false. Since 1.12.0.
     */
    default long resolution() {
        return SelectHints.RAW;
    }

    /**
     * {@code set} with {@code resolution} as its {@link #resolution()}: for a storage that read
     * downsampled data. Since 1.12.0.
     */
    static SeriesSet withResolution(SeriesSet set, long resolution) {
        return new ForwardingSeriesSet(set) {
            @Override
            public long resolution() {
                return resolution;
            }
        };
    }

    static SeriesSet empty() {
        return ofList(List.of());
    }

    /** A series set that ends at once with an error. */
    static SeriesSet failed(Throwable error) {
        return new SeriesSet() {
            @Override
            public boolean next() {
                return false;
            }

            @Override
            public Series at() {
                throw new IllegalStateException("no series");
            }

            @Override
            public Throwable error() {
                return error;
            }
        };
    }

    /** A series set over a list, in list order, with non-fatal warnings (since 1.2.0). */
    static SeriesSet ofList(List<? extends Series> series, List<String> warnings) {
        List<String> w = List.copyOf(warnings);
        return new ForwardingSeriesSet(ofList(series)) {
            @Override
            public List<String> warnings() {
                return w;
            }
        };
    }

    /** A series set over a list, in list order. */
    static SeriesSet ofList(List<? extends Series> series) {
        return new SeriesSet() {
            private int index = -1;

            @Override
            public boolean next() {
                return ++index < series.size();
            }

            @Override
            public Series at() {
                return series.get(index);
            }
        };
    }
}
