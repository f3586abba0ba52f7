package io.promethium.tsdb.internal.block;

import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.util.FormatException;
import io.promethium.tsdb.internal.util.GrowableBytes;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.store.RandomAccessInput;
import org.apache.lucene.store.ReadAdvice;
import org.apache.lucene.util.IOUtils;

/**
 * A block's {@code symbols} file (index format 2): every label name and value of the block once,
 * numbered from 0; series entries refer to them by number. Memory-mapped (through Lucene's
 * {@link MMapDirectory}, so that closing the block unmaps it) and decoded on demand: an open block
 * keeps on the heap only the strings queries have read from a table of up to {@link #KEPT_MAX}
 * symbols (compaction and other passes over every series keep none). Layout: magic {@code 0x50524D53}, version 1 (1
 * byte), count (4 bytes), count × 4-byte offset of the symbol from the data start, the data
 * (per symbol uvarint length and UTF-8 bytes), CRC32C of everything before (4 bytes).
 */
final class SymbolTable implements Closeable {
    static final String FILE = "symbols";
    static final int MAGIC = 0x50524D53;
    static final int VERSION = 1;
    private static final int HEADER = 9;

    private final Path path;
    private final MMapDirectory directory;
    private final IndexInput input;
    private final RandomAccessInput buf;
    private final int size;
    private final int count;
    private final int dataStart;
    /**
     * The strings queries have read, by id, for a table of up to {@link #KEPT_MAX} symbols (null for a
     * larger one). A series request or a panel over a fleet reads the same few thousand label values
     * of a block at each refresh; decoding them each time was a fifth of such a request's CPU and most
     * of what it left to the collector. Slots are written racily: a string is immutable, and two
     * threads decoding the same symbol at once both answer correctly.
     */
    private final String[] kept;

    /** The most symbols a table keeps the strings of: 256 kB of slots at most, and the strings read. */
    static final int KEPT_MAX = 1 << 16;

    private SymbolTable(Path path, MMapDirectory directory, IndexInput input, RandomAccessInput buf, int size, int count, int dataStart) {
        this.path = path;
        this.directory = directory;
        this.input = input;
        this.buf = buf;
        this.size = size;
        this.count = count;
        this.dataStart = dataStart;
        this.kept = count <= KEPT_MAX ? new String[count] : null;
    }

    /** Whether the table keeps the strings queries read ({@link #kept}). */
    boolean keeps() {
        return kept != null;
    }

    /** As {@link #get(long, byte[])}, kept for the next query when the table keeps its strings. */
    String kept(long id, byte[] scratch) {
        if (kept == null || id < 0 || id >= count) {
            return get(id, scratch);
        }
        String s = kept[(int) id];
        if (s == null) {
            s = get(id, scratch);
            kept[(int) id] = s;
        }
        return s;
    }

    /** Writes the table and fsyncs it. */
    static void write(Path path, List<String> symbols, FileOpener opener) throws IOException {
        GrowableBytes data = new GrowableBytes(1 << 16);
        ByteBuffer head = ByteBuffer.allocate(HEADER + 4 * symbols.size());
        head.putInt(MAGIC).put((byte) VERSION).putInt(symbols.size());
        for (String s : symbols) {
            head.putInt(data.length());
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            data.writeUvarint(b.length);
            data.writeBytes(b, 0, b.length);
            if ((long) head.capacity() + data.length() > Integer.MAX_VALUE - 64) {
                throw new IOException("symbol table of " + symbols.size() + " symbols is larger than 2 GiB");
            }
        }
        head.flip();
        CRC32C crc = new CRC32C();
        crc.update(head.duplicate());
        crc.update(data.array(), 0, data.length());
        ByteBuffer tail = ByteBuffer.allocate(4).putInt((int) crc.getValue()).flip();
        try (FileChannel ch = opener.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (ByteBuffer b : new ByteBuffer[] {head, ByteBuffer.wrap(data.array(), 0, data.length()), tail}) {
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            ch.force(true);
        }
    }

    /** Maps and verifies a table; a bad one is a {@link FormatException} naming the file. */
    static SymbolTable open(Path path) throws IOException {
        MMapDirectory directory = new MMapDirectory(path.getParent());
        IndexInput input = null;
        try {
            input = directory.openInput(path.getFileName().toString(), IOContext.DEFAULT.withReadAdvice(ReadAdvice.NORMAL));
            long size = input.length();
            if (size < HEADER + 4 || size > Integer.MAX_VALUE) {
                throw new FormatException("symbol table " + path + " has an impossible size " + size);
            }
            RandomAccessInput buf = input.randomAccessSlice(0, size);
            CRC32C crc = new CRC32C();
            byte[] piece = new byte[(int) Math.min(size, 1 << 16)];
            for (long p = 0; p < size - 4; p += piece.length) {
                int k = (int) Math.min(piece.length, size - 4 - p);
                buf.readBytes(p, piece, 0, k);
                crc.update(piece, 0, k);
            }
            if ((int) crc.getValue() != bigEndianInt(buf, size - 4)) {
                throw new FormatException("symbol table " + path + " fails its checksum");
            }
            if (bigEndianInt(buf, 0) != MAGIC || buf.readByte(4) != VERSION) {
                throw new FormatException("symbol table " + path + " has a bad magic or unknown version " + buf.readByte(4));
            }
            int count = bigEndianInt(buf, 5);
            long dataStart = HEADER + 4L * count;
            if (count < 0 || dataStart > size - 4) {
                throw new FormatException("symbol table " + path + " has a count of " + count + " that does not fit");
            }
            return new SymbolTable(path, directory, input, buf, (int) size, count, (int) dataStart);
        } catch (IOException | RuntimeException e) {
            IOUtils.closeWhileHandlingException(input, directory);
            throw e;
        }
    }

    /** Lucene's inputs read little-endian; the table is big-endian. */
    private static int bigEndianInt(RandomAccessInput in, long pos) throws IOException {
        return Integer.reverseBytes(in.readInt(pos));
    }

    /** Unmaps the table; no read may follow. */
    @Override
    public void close() throws IOException {
        IOUtils.close(input, directory);
    }

    int size() {
        return count;
    }

    /** The symbol numbered {@code id}; out of range or a garbled entry is a {@link FormatException}. */
    String get(long id) {
        return get(id, null);
    }

    /**
     * As {@link #get(long)}, its bytes read into {@code scratch} when they fit (the caller's own
     * buffer, one per reading thread), so that a symbol costs its string alone.
     */
    String get(long id, byte[] scratch) {
        if (id < 0 || id >= count) {
            throw new FormatException("symbol " + id + " is outside " + path + " (" + count + " symbols)");
        }
        try {
            long p = dataStart + (long) bigEndianInt(buf, HEADER + 4L * id);
            int end = size - 4;
            int len = 0;
            for (int shift = 0;; shift += 7) {
                if (p < 0 || p >= end || shift > 28) {
                    throw new FormatException("symbol " + id + " of " + path + " is garbled");
                }
                byte b = buf.readByte(p++);
                len |= (b & 0x7f) << shift;
                if (b >= 0) {
                    break;
                }
            }
            if (len < 0 || p + len > end) {
                throw new FormatException("symbol " + id + " of " + path + " runs past the table");
            }
            byte[] bytes = scratch != null && len <= scratch.length ? scratch : new byte[len];
            buf.readBytes(p, bytes, 0, len);
            return new String(bytes, 0, len, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading symbol " + id + " of " + path, e);
        }
    }
}
