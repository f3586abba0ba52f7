package io.promethium.tsdb.internal.fs;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Fault testing only ({@code --storage.tsdb.fault.pause-before-rename}): holds a fully written
 * block or WAL checkpoint in its temporary folder, before the rename that puts it in place, for
 * {@link #HOLD_MINUTES} or until {@link #release()}, so a test can {@code kill -9} the server exactly
 * there: the one moment a crash leaves a complete-looking folder that must never be loaded.
 * Waiting at a log line is deterministic, where killing at random moments would land inside the
 * few milliseconds of a small compaction only now and then.
 */
public final class FaultPause implements FileOpener {
    private static final Logger LOG = Logger.getLogger("io.promethium.tsdb.Tsdb");
    /** Longer than any test waits before it kills the process. */
    public static final long HOLD_MINUTES = 5;

    private final FileOpener delegate;
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile Set<Written> pausing = Set.of();

    public FaultPause(FileOpener delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    /** Which renames to hold from now on; empty: none (the default). */
    public void pause(Set<Written> what) {
        pausing = what.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(what));
    }

    /** Lets any held rename (and every later one) proceed: the database is closing. */
    public void release() {
        released.countDown();
    }

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        return delegate.open(path, options);
    }

    @Override
    public void beforeRename(Written what, Path folder) {
        delegate.beforeRename(what, folder);
        if (!pausing.contains(what) || released.getCount() == 0) {
            return;
        }
        LOG.warning("fault pause (--storage.tsdb.fault.pause-before-rename): " + what.name().toLowerCase(java.util.Locale.ROOT)
                + " " + folder + " is written; holding its rename for " + HOLD_MINUTES + " minutes");
        try {
            released.await(HOLD_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
