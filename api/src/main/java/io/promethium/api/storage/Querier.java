package io.promethium.api.storage;

import io.promethium.api.model.Matcher;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A read view over a fixed time range. Not required to be thread-safe; close it when done.
 * Samples appended after the querier was opened may or may not be visible.
 */
@ConsumerType
public interface Querier extends AutoCloseable {

    /**
     * The series that match every matcher. At least one matcher must not match the empty string
     * (as in Prometheus), else the result is an error series set.
     *
     * @param sorted whether series must come ordered by labels
     * @param hints what the caller will do with the data; may be {@code null}
     */
    SeriesSet select(boolean sorted, SelectHints hints, List<Matcher> matchers);

    /** Sorted, distinct values of a label among the series matching the matchers (all series when empty). */
    List<String> labelValues(String name, List<Matcher> matchers);

    /** Sorted, distinct label names among the series matching the matchers (all series when empty). */
    List<String> labelNames(List<Matcher> matchers);

    /**
     * Non-fatal problems met by this querier's {@link #labelValues} and {@link #labelNames} calls
     * so far (for example, a secondary source that cannot answer label calls); a select carries its
     * own in {@link SeriesSet#warnings()}. Since 1.10.0.
     */
    default List<String> warnings() {
        return List.of();
    }

    @Override
    void close();

    /** A querier that finds nothing. */
    static Querier empty() {
        return EmptyQuerier.INSTANCE;
    }
}
