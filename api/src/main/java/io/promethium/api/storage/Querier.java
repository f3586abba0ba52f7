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

    @Override
    void close();

    /** A querier that finds nothing. */
    static Querier empty() {
        return EmptyQuerier.INSTANCE;
    }
}
