package io.promethium.tsdb.internal.block;

import io.promethium.chunks.ChunkFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.LongAdder;
import org.apache.lucene.util.IOUtils;

/**
 * A block's chunk files read in file order through one buffer, for a pass over all of a block's
 * series (a merge, a downsampling): a series' chunks lie one after another and the series in label
 * order, so each pass reads every file once, front to back. The pages stay in the page cache
 * only, where the mapping that queries use keeps every page it touched in the process's resident
 * memory until the block is closed: merging three 18-hour blocks of 200 hosts put ~180 MB of them
 * there. Not thread-safe: one per pass.
 */
final class ChunkFileStream implements ChunkLoader, Closeable {
    /** Big enough that a read costs little next to the chunks it brings; the kernel reads ahead of it. */
    static final int BUFFER_BYTES = 256 << 10;
    /** A record's length (uvarint, at most 5 bytes) and encoding: what is needed to know its size. */
    private static final int RECORD_HEAD = 6;

    private final Path dir;
    private final FileChannel[] channels;
    private final LongAdder bytesRead;
    private final byte[] array;
    private final ByteBuffer buffer;
    /** The buffer holds {@code [start, start + length)} of file {@code file} (0-based; -1: nothing). */
    private int file = -1;
    private long start;
    private int length;

    ChunkFileStream(Path chunksDir, int files, LongAdder bytesRead) {
        this(chunksDir, files, bytesRead, BUFFER_BYTES);
    }

    /** With a buffer of {@code bufferBytes}: a record larger than it is read on its own. */
    ChunkFileStream(Path chunksDir, int files, LongAdder bytesRead, int bufferBytes) {
        this(chunksDir, files, bytesRead, new byte[Math.max(bufferBytes, RECORD_HEAD)]);
    }

    /** Through {@code buffer}, which the caller owns and may hand to the next stream once this one is closed. */
    ChunkFileStream(Path chunksDir, int files, LongAdder bytesRead, byte[] buffer) {
        if (buffer.length < RECORD_HEAD) {
            throw new IllegalArgumentException("a chunk stream's buffer needs at least " + RECORD_HEAD + " bytes, not " + buffer.length);
        }
        this.dir = chunksDir;
        this.channels = new FileChannel[files];
        this.bytesRead = bytesRead;
        this.array = buffer;
        this.buffer = ByteBuffer.wrap(array);
    }

    @Override
    public void load(long ref, ChunkReader.Loaded into) {
        int f = (int) (ref >>> 32) - 1;
        long offset = (int) ref & 0xffffffffL;
        if (f < 0 || f >= channels.length) {
            throw new ChunkFormatException("chunk ref " + Long.toHexString(ref) + " names a missing file in " + dir);
        }
        try {
            int have = fill(f, offset, RECORD_HEAD);
            int at = (int) (offset - start);
            long len = 0;
            // The record's head: its length's uvarint bytes.
            int head = 0;
            for (int shift = 0; ; shift += 7) {
                if (head >= have || shift > 28) {
                    throw corrupt(f, offset, "bad length");
                }
                int b = array[at + head++] & 0xff;
                len |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if (len > Integer.MAX_VALUE - 64) {
                throw corrupt(f, offset, "length " + len + " past end of file");
            }
            int n = (int) len;
            int record = head + n + 1 + 4;
            if (into.data.length < n + 1 + ChunkReader.SLACK) {
                into.data = new byte[Math.max(n + 1 + ChunkReader.SLACK, into.data.length * 2)];
            }
            if (record <= array.length) {
                if (fill(f, offset, record) < record) {
                    throw corrupt(f, offset, "length " + len + " past end of file");
                }
                System.arraycopy(array, (int) (offset - start) + head, into.data, 0, n + 5);
            } else if (readFully(channel(f), ByteBuffer.wrap(into.data, 0, n + 5), offset + head) < n + 5) {
                // A chunk larger than the buffer (a histogram chunk can be): read on its own.
                throw corrupt(f, offset, "length " + len + " past end of file");
            }
            if (!into.verify(n)) {
                throw corrupt(f, offset, "checksum mismatch");
            }
            bytesRead.add(record);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a chunk of " + dir.resolve(ChunkFileFormat.fileName(f + 1)) + " at offset " + offset, e);
        }
    }

    /**
     * Makes the buffer hold at least {@code need} bytes of file {@code f} from {@code offset},
     * reading from {@code offset} when it does not; returns how many it holds from there (fewer
     * only at the file's end).
     */
    private int fill(int f, long offset, int need) throws IOException {
        if (f == file && offset >= start && offset + need <= start + length) {
            return (int) (start + length - offset);
        }
        file = -1;
        buffer.clear();
        length = readFully(channel(f), buffer, offset);
        file = f;
        start = offset;
        return length;
    }

    private static int readFully(FileChannel ch, ByteBuffer into, long position) throws IOException {
        int read = 0;
        while (into.hasRemaining()) {
            int r = ch.read(into, position + read);
            if (r < 0) {
                break;
            }
            read += r;
        }
        return read;
    }

    private FileChannel channel(int f) throws IOException {
        FileChannel ch = channels[f];
        if (ch == null) {
            ch = FileChannel.open(dir.resolve(ChunkFileFormat.fileName(f + 1)), StandardOpenOption.READ);
            channels[f] = ch;
        }
        return ch;
    }

    private ChunkFormatException corrupt(int f, long offset, String what) {
        return new ChunkFormatException("block " + dir.getParent().getFileName() + ": corrupt chunk in "
                + dir.resolve(ChunkFileFormat.fileName(f + 1)) + " at offset " + offset + ": " + what);
    }

    @Override
    public void close() throws IOException {
        IOUtils.close(channels);
    }
}
