package io.promethium.alertmanager.eventrecorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Appends each event as a JSON line to a file, created if absent, as 0.34's {@code file_outputs}.
 * The file's folder is watched: when the file is renamed, removed or created anew (logrotate),
 * it is reopened at its path, so later events go to the new file and the rotated one keeps the
 * earlier ones. A write also reopens the file when its path no longer exists (a missed event).
 */
final class FileOutput implements Destination {

    private static final Logger LOG = Logger.getLogger(FileOutput.class.getName());

    private final Path path;
    private final WatchService watcher;
    private final Thread watchThread;
    private FileChannel channel;
    private boolean closed;

    /** @throws IOException when the file cannot be opened or its folder watched */
    FileOutput(Path path) throws IOException {
        this.path = path.toAbsolutePath().normalize();
        this.channel = open(this.path);
        try {
            watcher = this.path.getFileSystem().newWatchService();
            this.path.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("watching directory " + this.path.getParent() + ": " + e.getMessage(), e);
        }
        watchThread = Thread.ofVirtual().name("alertmanager-eventrecorder-file").start(this::watch);
    }

    private static FileChannel open(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    @Override
    public String name() {
        return "file:" + path;
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean ours = false;
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.context() instanceof Path p && path.getFileName().equals(p)) {
                        ours = true;
                    } else if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                        ours = true;
                    }
                }
                key.reset();
                if (ours) {
                    reopen(false);
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    /** Reopens the file at its path; with {@code onlyIfGone}, only when the path no longer exists. */
    private synchronized void reopen(boolean onlyIfGone) {
        if (closed || onlyIfGone && Files.exists(path)) {
            return;
        }
        try {
            FileChannel fresh = open(path);
            channel.close();
            channel = fresh;
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "Failed to reopen event recorder file " + path + ": " + e.getMessage());
        }
    }

    @Override
    public int send(byte[] json) throws IOException {
        reopen(true);
        synchronized (this) {
            if (closed) {
                throw new IOException("file output " + path + " is closed");
            }
            ByteBuffer buf = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
            int n = 0;
            while (buf.hasRemaining()) {
                n += channel.write(buf);
            }
            return n;
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing watcher", e);
        }
        watchThread.interrupt();
        synchronized (this) {
            closed = true;
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "Failed to close event recorder file " + path, e);
            }
        }
    }
}
