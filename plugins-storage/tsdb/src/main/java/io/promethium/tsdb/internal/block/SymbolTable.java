package io.promethium.tsdb.internal.block;

import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.util.FormatException;
import io.promethium.tsdb.internal.util.GrowableBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A block's {@code symbols} file (index format 2): every label name and value of the block once,
 * numbered from 0; series entries refer to them by number. Memory-mapped and decoded on demand,
 * so an open block keeps no symbol on the heap. Layout: magic {@code 0x50524D53}, version 1 (1
 * byte), count (4 bytes), count × 4-byte offset of the symbol from the data start, the data
 * (per symbol uvarint length and UTF-8 bytes), CRC32C of everything before (4 bytes).
 */
final class SymbolTable {
    static final String FILE = "symbols";
    static final int MAGIC = 0x50524D53;
    static final int VERSION = 1;
    private static final int HEADER = 9;

    private final Path path;
    private final ByteBuffer buf;
    private final int count;
    private final int dataStart;

    private SymbolTable(Path path, ByteBuffer buf, int count, int dataStart) {
        this.path = path;
        this.buf = buf;
        this.count = count;
        this.dataStart = dataStart;
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
        MappedByteBuffer buf;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER + 4 || size > Integer.MAX_VALUE) {
                throw new FormatException("symbol table " + path + " has an impossible size " + size);
            }
            buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        int size = buf.capacity();
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().limit(size - 4));
        if ((int) crc.getValue() != buf.getInt(size - 4)) {
            throw new FormatException("symbol table " + path + " fails its checksum");
        }
        if (buf.getInt(0) != MAGIC || buf.get(4) != VERSION) {
            throw new FormatException("symbol table " + path + " has a bad magic or unknown version " + buf.get(4));
        }
        int count = buf.getInt(5);
        long dataStart = HEADER + 4L * count;
        if (count < 0 || dataStart > size - 4) {
            throw new FormatException("symbol table " + path + " has a count of " + count + " that does not fit");
        }
        return new SymbolTable(path, buf, count, (int) dataStart);
    }

    int size() {
        return count;
    }

    /** The symbol numbered {@code id}; out of range or a garbled entry is a {@link FormatException}. */
    String get(long id) {
        if (id < 0 || id >= count) {
            throw new FormatException("symbol " + id + " is outside " + path + " (" + count + " symbols)");
        }
        int p = dataStart + buf.getInt(HEADER + 4 * (int) id);
        int end = buf.capacity() - 4;
        int len = 0;
        for (int shift = 0;; shift += 7) {
            if (p >= end || shift > 28) {
                throw new FormatException("symbol " + id + " of " + path + " is garbled");
            }
            byte b = buf.get(p++);
            len |= (b & 0x7f) << shift;
            if (b >= 0) {
                break;
            }
        }
        if (len < 0 || p + len > end) {
            throw new FormatException("symbol " + id + " of " + path + " runs past the table");
        }
        byte[] bytes = new byte[len];
        buf.get(p, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
