package io.promethium.tsdb;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lock file in a {@link Tsdb}'s data folder ({@code <dir>/lock}), held while the database is
 * open so a second process cannot open the same folder.
 */
final class TsdbDirectoryLock {
    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private TsdbDirectoryLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code dir}; fails when another process holds it. */
    static TsdbDirectoryLock acquire(Path dir) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock acquired;
        try {
            acquired = channel.tryLock();
        } catch (IOException e) {
            acquired = null;
        }
        if (acquired == null) {
            channel.close();
            throw new IOException("data directory " + dir + " is in use by another process (lock file held)");
        }
        return new TsdbDirectoryLock(dir, channel, acquired);
    }

    /** Lets the lock go; a failure is logged, not thrown (the database is closing). */
    void release() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            Tsdb.LOG.warning("releasing lock of " + dir + ": " + e);
        }
    }
}
