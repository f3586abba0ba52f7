package io.promethium.api.storage;

import java.io.IOException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A storage's write-ahead log, followed by readers that ship what is written elsewhere (remote
 * write), as Prometheus's WAL watcher tails its WAL. A storage plugin that keeps a WAL registers
 * this service next to its {@link Storage}. Thread-safe; readers never block writers.
 *
 * <p>The log keeps records for its retention (in the TSDB, until the head is cut into a block and
 * the segments are folded into a checkpoint). A reader that falls behind further than that finds
 * its position gone: {@link #read} then resumes at {@link #oldest()} and reports the gap. A
 * follower that saves its position as a file {@code <name>.position} in {@link #stateDirectory()},
 * holding {@code <segment> <offset>} in decimal, asks the log to keep the segments from that one on
 * when it truncates; how long it honours that is the storage's to say (the TSDB: two block
 * durations; agent mode: {@code --storage.agent.retention.max-time}).
 */
@ProviderType
public interface WalWatchable {

    /**
     * A folder inside the storage's data folder where followers keep their own state (the
     * position each has shipped up to). It lives and dies with the log, so a position never
     * outlives the log it points into.
     */
    java.nio.file.Path stateDirectory();

    /** The position just after the last complete record written so far. */
    WalPosition end() throws IOException;

    /** The oldest position whose samples can still be read (the first segment after the newest checkpoint). */
    WalPosition oldest() throws IOException;

    /**
     * Delivers the series records that precede {@code position} (the checkpoint's and those of
     * earlier segments), so references in samples read from {@code position} on resolve. No
     * samples are delivered.
     */
    void seriesBefore(WalPosition position, WalVisitor visitor) throws IOException;

    /**
     * Delivers the complete records from {@code from} on, stopping after about {@code maxBytes}
     * of records or at the end of what is written, whichever comes first.
     *
     * @return the position after the last record delivered; equal to {@code from} when nothing new
     *     was written. When {@code from} is older than {@link #oldest()}, reading starts at
     *     {@link #oldest()}; callers detect the gap by comparing. A position past {@link #end()}
     *     (from another log) is returned unchanged; callers restart from {@link #end()}.
     */
    WalPosition read(WalPosition from, long maxBytes, WalVisitor visitor) throws IOException;

    /**
     * What has been committed to the log so far, read when a follower sizes its sending (about
     * every ten seconds); cheap and never blocking. The default, {@link AppendTotals#UNKNOWN},
     * leaves followers to go by what they read.
     *
     * @since 1.17.0
     */
    default AppendTotals appended() {
        return AppendTotals.UNKNOWN;
    }
}
