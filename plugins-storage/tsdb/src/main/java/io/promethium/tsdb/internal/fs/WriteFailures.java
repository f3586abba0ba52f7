package io.promethium.tsdb.internal.fs;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs the TSDB's failing writes once per episode: the first failure in an {@link Area} is logged
 * with the path and cause, later ones are only counted (by the caller's metric), and the episode
 * ends, logged, at the next success of a checkpoint or compaction, and once WAL writes have
 * succeeded {@link #SETTLED_SUCCESSES} times in a row or for
 * {@link #SETTLED_NANOS} since the last failure. A full disk thus gives two log lines, not one a
 * second, even while small writes still fit in the last allocated page of a file and succeed
 * between the failures of larger ones (seen on a full tmpfs). A failure for lack of space reads "no space left on device", as Prometheus's
 * log does (the JDK's message for ENOSPC is capitalised), so one alert rule matches both.
 */
public final class WriteFailures {
    static final Logger LOG = Logger.getLogger(WriteFailures.class.getName());

    /** Where a write failed; each has its own episode. */
    public enum Area {
        WAL("WAL write to", "the batch was refused (not acknowledged), queries keep answering; appends resume by themselves", true),
        WAL_SYNC("WAL fsync of", "writes stay in the page cache until a later fsync succeeds", true),
        CHECKPOINT("WAL checkpoint to", "the WAL keeps its segments until a later checkpoint succeeds", false),
        COMPACTION("compaction in", "the head keeps its samples in memory and in the WAL, and compaction is retried", false);

        final String what;
        final String consequence;
        /** Many small writes a second: an episode ends once they settle; a rare large write ends it by succeeding once. */
        final boolean frequent;

        Area(String what, String consequence, boolean frequent) {
            this.what = what;
            this.consequence = consequence;
            this.frequent = frequent;
        }
    }

    /** Successes in a row after which a failing area has recovered. */
    static final int SETTLED_SUCCESSES = 5;
    /** Time without a failure after which a success ends an episode. */
    static final long SETTLED_NANOS = 5_000_000_000L;

    /** Failures in the current episode per area; 0 = none going on. */
    private final AtomicLongArray failing = new AtomicLongArray(Area.values().length);
    /** 1 while an area's episode began for lack of space. */
    private final AtomicLongArray noSpace = new AtomicLongArray(Area.values().length);
    /** When an area's last failure happened ({@link System#nanoTime()}). */
    private final AtomicLongArray lastFailure = new AtomicLongArray(Area.values().length);
    /** Successes since an area's last failure, while its episode goes on. */
    private final AtomicLongArray settled = new AtomicLongArray(Area.values().length);

    /** Records a failed write of {@code path}; logs it when it starts an episode. Returns whether it did. */
    public boolean failed(Area area, Path path, Throwable cause) {
        lastFailure.set(area.ordinal(), System.nanoTime());
        settled.set(area.ordinal(), 0);
        if (failing.getAndIncrement(area.ordinal()) != 0) {
            return false;
        }
        boolean full = isNoSpace(cause);
        noSpace.set(area.ordinal(), full ? 1 : 0);
        LOG.log(Level.SEVERE, area.what + " " + path + " failed: " + describe(cause) + "; " + area.consequence
                + ". Logged once until it succeeds again.");
        return true;
    }

    /** Records a successful write; ends (and logs the end of) an episode once settled. Cheap when none is going on. */
    public void succeeded(Area area, Path path) {
        int i = area.ordinal();
        if (failing.get(i) == 0) {
            return;
        }
        if (area.frequent && settled.incrementAndGet(i) < SETTLED_SUCCESSES && System.nanoTime() - lastFailure.get(i) < SETTLED_NANOS) {
            return;
        }
        long n = failing.getAndSet(i, 0);
        if (n > 0) {
            noSpace.set(i, 0);
            LOG.info(area.what + " " + path + " succeeded again after " + n + " failed attempt" + (n == 1 ? "" : "s"));
        }
    }

    /** Whether writes in {@code area} are failing now. */
    public boolean failing(Area area) {
        return failing.get(area.ordinal()) != 0;
    }

    /** Whether any area's writes are failing for lack of space now. */
    public boolean outOfSpace() {
        for (int i = 0; i < noSpace.length(); i++) {
            if (noSpace.get(i) != 0 && failing.get(i) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether a failure (or one of its causes) is ENOSPC or EDQUOT, told from the OS's message. */
    public static boolean isNoSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null) {
                String lower = m.toLowerCase(Locale.ROOT);
                if (lower.contains("no space left on device") || lower.contains("disk quota exceeded")
                        || lower.contains("not enough space on the disk")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    static String describe(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        // ENOSPC in Prometheus's words; other causes (EDQUOT, EIO) as the OS gave them.
        return m.toLowerCase(Locale.ROOT).contains("no space left on device") ? "no space left on device" : m;
    }
}
