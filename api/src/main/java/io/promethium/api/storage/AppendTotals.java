package io.promethium.api.storage;

/**
 * What a storage's appenders have committed since it opened: the newest timestamp among the
 * samples and histograms, and how many samples, histogram samples and exemplars. Followers of
 * its log size their sending from it, as Prometheus's remote write sizes its shards from what its
 * appender saw rather than from what its WAL reader got to: a reader stalled behind a down
 * receiver then still sees the backlog it has to catch up on.
 *
 * @param highestTimestamp the newest committed timestamp in milliseconds, {@link Long#MIN_VALUE}
 *     before the first commit
 * @param appended samples, histogram samples and exemplars committed so far, a counter
 * @since 1.17.0
 */
public record AppendTotals(long highestTimestamp, long appended) {

    /** A log that does not say: followers go by what they read. */
    public static final AppendTotals UNKNOWN = new AppendTotals(Long.MIN_VALUE, -1);

    /** Whether the log said (false for {@link #UNKNOWN}). */
    public boolean known() {
        return appended >= 0;
    }
}
