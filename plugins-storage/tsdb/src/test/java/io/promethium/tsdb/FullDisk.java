package io.promethium.tsdb;

import io.promethium.tsdb.internal.fs.FileOpener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file opener whose channels behave like a disk with a settable amount of free space: a write
 * past it stores what fits, then fails with ENOSPC's message, as a real full disk does.
 */
final class FullDisk implements FileOpener {
    /** Bytes that may still be written; Long.MAX_VALUE = plenty. */
    final AtomicLong free = new AtomicLong(Long.MAX_VALUE);
    /** Files whose path contains this have no room at all, whatever {@link #free} says (null: none). */
    volatile String fullUnder;

    @Override
    public FileChannel open(Path path, OpenOption... options) throws IOException {
        // With no room left a new file cannot be made either (as when the directory needs a block).
        if (room(path) == 0 && !Files.exists(path)) {
            throw new FileSystemException(path.toString(), null, "No space left on device");
        }
        return new Channel(path, FileChannel.open(path, options));
    }

    private long room(Path path) {
        String under = fullUnder;
        return under != null && path.toString().contains(under) ? 0 : free.get();
    }

    private final class Channel extends FileChannel {
        private final Path path;
        private final FileChannel delegate;

        Channel(Path path, FileChannel delegate) {
            this.path = path;
            this.delegate = delegate;
        }

        private int limited(ByteBuffer src, WriteOp op) throws IOException {
            long room = room(path);
            if (room >= src.remaining()) {
                int n = op.write(src);
                if (room != Long.MAX_VALUE) {
                    free.addAndGet(-n);
                }
                return n;
            }
            if (room > 0) {
                ByteBuffer part = src.duplicate();
                part.limit(part.position() + (int) room);
                int n = op.write(part);
                src.position(src.position() + n);
                free.addAndGet(-n);
            }
            throw new IOException("No space left on device");
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return limited(src, delegate::write);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return limited(src, b -> delegate.write(b, position));
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                total += write(srcs[i]);
            }
            return total;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            delegate.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            delegate.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new IOException("not supported by the test channel");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            delegate.close();
        }
    }

    @FunctionalInterface
    private interface WriteOp {
        int write(ByteBuffer b) throws IOException;
    }
}
