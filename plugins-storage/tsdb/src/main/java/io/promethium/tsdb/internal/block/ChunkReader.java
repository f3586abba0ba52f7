package io.promethium.tsdb.internal.block;

import io.promethium.chunks.ChunkFormatException;
import io.promethium.tsdb.internal.util.FormatException;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.store.RandomAccessInput;
import org.apache.lucene.store.ReadAdvice;
import org.apache.lucene.util.IOUtils;

/**
 * A block's chunk files, memory-mapped read-only. Every read checks the chunk's CRC, so a flipped
 * byte surfaces as an error naming the block, file and offset rather than as wrong samples.
 * Mapped through Lucene's {@link MMapDirectory}, whose mappings {@link #close} unmaps: a
 * {@code FileChannel.map} buffer stays mapped until the collector frees it, so the blocks a
 * compaction had merged and deleted kept every page read from them resident (and their disk
 * space taken) for as long as the old generation went uncollected: 78 deleted files and 678 MB of
 * the process's RSS at the start's compaction of 85 two-hour blocks of 200 hosts.
 */
final class ChunkReader implements ChunkLoader, Closeable {
    private final Path dir;
    private final MMapDirectory directory;
    private final List<IndexInput> inputs = new ArrayList<>();
    private final List<RandomAccessInput> files = new ArrayList<>();
    // Bytes of chunk records read (length, encoding, data, CRC): what the query benchmarks report.
    // One add per chunk (up to 120 samples), shared by concurrent readers.
    private final LongAdder bytesRead = new LongAdder();

    ChunkReader(Path blockDir, List<Long> expectedSizes) throws IOException {
        this.dir = blockDir.resolve("chunks");
        if (!java.nio.file.Files.isDirectory(dir)) {
            // Lucene's directory would create the folder.
            if (!expectedSizes.isEmpty()) {
                throw new java.nio.file.NoSuchFileException(dir.toString());
            }
            this.directory = null;
            return;
        }
        this.directory = new MMapDirectory(dir);
        try {
            for (int i = 0; i < expectedSizes.size(); i++) {
                String name = ChunkFileFormat.fileName(i + 1);
                Path path = dir.resolve(name);
                // NORMAL: the kernel's read-ahead, as for any mapping (Lucene's default advice may be RANDOM).
                IndexInput in = directory.openInput(name, IOContext.DEFAULT.withReadAdvice(ReadAdvice.NORMAL));
                inputs.add(in);
                long size = in.length();
                if (size != expectedSizes.get(i)) {
                    throw new FormatException("chunk file " + path + " is " + size + " bytes, meta.json says " + expectedSizes.get(i));
                }
                RandomAccessInput file = in.randomAccessSlice(0, size);
                if (size < ChunkFileFormat.HEADER || bigEndianInt(file, 0) != ChunkFileFormat.MAGIC) {
                    throw new FormatException("chunk file " + path + " has a bad header");
                }
                files.add(file);
            }
        } catch (IOException | RuntimeException e) {
            try {
                close();
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /** Lucene's inputs read little-endian; chunk files are big-endian. */
    private static int bigEndianInt(RandomAccessInput in, long pos) throws IOException {
        return Integer.reverseBytes(in.readInt(pos));
    }

    /** Unmaps the files; no read may follow (the block's reference count sees to that). */
    @Override
    public void close() throws IOException {
        IOUtils.close(inputs);
        if (directory != null) {
            directory.close();
        }
    }

    /** Holds one chunk's bytes, copied out of the mapping into a reused array. */
    static final int SLACK = 24;

    static final class Loaded {
        byte[] data = new byte[256];
        int length;
        byte encoding;
        private final CRC32C crc = new CRC32C();

        /**
         * Takes the record read into {@code data}: encoding and {@code n} bytes of chunk, then the
         * big-endian CRC of those {@code n + 1} bytes; false when the CRC does not match.
         */
        boolean verify(int n) {
            crc.reset();
            crc.update(data, 0, n + 1);
            int stored = (data[n + 1] & 0xff) << 24 | (data[n + 2] & 0xff) << 16 | (data[n + 3] & 0xff) << 8 | (data[n + 4] & 0xff);
            if ((int) crc.getValue() != stored) {
                return false;
            }
            encoding = data[0];
            length = n;
            return true;
        }
    }

    @Override
    public void load(long ref, Loaded into) {
        int file = (int) (ref >>> 32) - 1;
        int offset = (int) ref;
        if (file < 0 || file >= files.size()) {
            throw new ChunkFormatException("chunk ref " + Long.toHexString(ref) + " names a missing file in " + dir);
        }
        RandomAccessInput buf = files.get(file);
        try {
            long limit = buf.length();
            long pos = offset;
            long len = 0;
            for (int shift = 0; ; shift += 7) {
                if (pos >= limit || shift > 28) {
                    throw corrupt(file, offset, "bad length");
                }
                int b = buf.readByte(pos++) & 0xff;
                len |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if (len > limit - pos - 5) {
                throw corrupt(file, offset, "length " + len + " past end of file");
            }
            int n = (int) len;
            // Slack after the chunk: the decoders' fast loops read 8 bytes at a time and stop 17-18 bytes
            // before the array's end, so 24 bytes let them decode the whole chunk. The CRC is read into the slack.
            if (into.data.length < n + 1 + SLACK) {
                into.data = new byte[Math.max(n + 1 + SLACK, into.data.length * 2)];
            }
            buf.readBytes(pos, into.data, 0, n + 1 + 4);
            if (!into.verify(n)) {
                throw corrupt(file, offset, "checksum mismatch");
            }
            bytesRead.add(pos - offset + n + 1 + 4);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a chunk of " + dir.resolve(ChunkFileFormat.fileName(file + 1)) + " at offset " + offset, e);
        }
    }

    /** The same files read front to back through a buffer of their own, for one pass over the block's series. */
    ChunkFileStream stream() {
        return new ChunkFileStream(dir, files.size(), bytesRead);
    }

    /** As {@link #stream()}, through {@code buffer} (the caller's, reused from pass to pass). */
    ChunkFileStream stream(byte[] buffer) {
        return new ChunkFileStream(dir, files.size(), bytesRead, buffer);
    }

    /** Bytes of chunk records read since the block was opened, by {@link #load} and by its streams. */
    long bytesRead() {
        return bytesRead.sum();
    }

    private ChunkFormatException corrupt(int file, int offset, String what) {
        return new ChunkFormatException("block " + dir.getParent().getFileName() + ": corrupt chunk in " + dir.resolve(ChunkFileFormat.fileName(file + 1)) + " at offset "
                + offset + ": " + what);
    }
}
