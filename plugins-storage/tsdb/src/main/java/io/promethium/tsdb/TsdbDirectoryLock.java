package io.promethium.tsdb;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock file in a data folder ({@code <dir>/lock}), held while the database ({@link Tsdb}, or
 * the agent's WAL-only storage) is open so a second process cannot open the same folder.
 */
public final class TsdbDirectoryLock {
    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private TsdbDirectoryLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code dir}; fails when another process holds it. */
    public static TsdbDirectoryLock acquire(Path dir) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock acquired;
        try {
            acquired = channel.tryLock();
        } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
            // Overlapping: this JVM holds it already (a storage not yet closed when the next opens).
            acquired = null;
        }
        if (acquired == null) {
            channel.close();
            throw new IOException("data directory " + dir + " is in use by another process (lock file held)");
        }
        return new TsdbDirectoryLock(dir, channel, acquired);
    }

    /** Lets the lock go; a failure is logged, not thrown (the database is closing). */
    public void release() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            Tsdb.LOG.warning("releasing lock of " + dir + ": " + e);
        }
    }
}
