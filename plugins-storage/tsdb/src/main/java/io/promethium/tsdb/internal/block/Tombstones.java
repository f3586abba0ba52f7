package io.promethium.tsdb.internal.block;

import io.promethium.tsdb.internal.fs.Fsync;
import io.promethium.tsdb.internal.util.ByteReader;
import io.promethium.tsdb.internal.util.FormatException;
import io.promethium.tsdb.internal.util.GrowableBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Deleted intervals per series (by document id) of a block: file {@code tombstones} =
 * {@code magic:4 | version:1 | uvarint(count) | (uvarint doc, varint mint, varint maxt)* | crc32c:4}.
 * Replaced atomically (write temp file, rename).
 */
final class Tombstones {
    private static final int MAGIC = 0x0130BA30;
    static final String FILE = "tombstones";

    private final Map<Integer, long[]> byDoc;

    private Tombstones(Map<Integer, long[]> byDoc) {
        this.byDoc = byDoc;
    }

    static Tombstones empty() {
        return new Tombstones(new HashMap<>());
    }

    static Tombstones read(Path blockDir) throws IOException {
        Path path = blockDir.resolve(FILE);
        if (!Files.exists(path)) {
            return empty();
        }
        byte[] bytes = Files.readAllBytes(path);
        if (bytes.length < 9) {
            throw new FormatException("tombstones file " + path + " too short");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteReader tail = new ByteReader(bytes, bytes.length - 4, 4);
        if ((int) crc.getValue() != tail.readInt()) {
            throw new FormatException("tombstones file " + path + " checksum mismatch");
        }
        ByteReader in = new ByteReader(bytes, 0, bytes.length - 4);
        if (in.readInt() != MAGIC || in.readByte() != 1) {
            throw new FormatException("tombstones file " + path + " has a bad header");
        }
        long count = in.readUvarint();
        Map<Integer, long[]> map = new HashMap<>();
        for (long i = 0; i < count; i++) {
            int doc = (int) in.readUvarint();
            long mint = in.readVarint();
            long maxt = in.readVarint();
            map.merge(doc, new long[] {mint, maxt}, Tombstones::concat);
        }
        return new Tombstones(map);
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    long[] get(int doc) {
        // Most blocks have none: no boxing of the doc for each series read.
        return byDoc.isEmpty() ? null : byDoc.get(doc);
    }

    boolean isEmpty() {
        return byDoc.isEmpty();
    }

    int size() {
        return byDoc.size();
    }

    /** Intervals over all series (a series deleted twice counts twice). */
    long intervals() {
        long n = 0;
        for (long[] iv : byDoc.values()) {
            n += iv.length / 2;
        }
        return n;
    }

    /** A copy with one more interval for each given doc. */
    Tombstones with(int[] docs, long mint, long maxt) {
        Map<Integer, long[]> map = new HashMap<>(byDoc);
        for (int doc : docs) {
            map.merge(doc, new long[] {mint, maxt}, Tombstones::concat);
        }
        return new Tombstones(map);
    }

    void write(Path blockDir) throws IOException {
        GrowableBytes out = new GrowableBytes(256);
        out.writeInt(MAGIC);
        out.writeByte(1);
        long count = 0;
        for (long[] iv : byDoc.values()) {
            count += iv.length / 2;
        }
        out.writeUvarint(count);
        for (Map.Entry<Integer, long[]> e : byDoc.entrySet()) {
            long[] iv = e.getValue();
            for (int i = 0; i < iv.length; i += 2) {
                out.writeUvarint(e.getKey());
                out.writeVarint(iv[i]);
                out.writeVarint(iv[i + 1]);
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.length());
        out.writeInt((int) crc.getValue());
        Path tmp = blockDir.resolve(FILE + ".tmp");
        Files.write(tmp, out.toByteArray());
        try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, blockDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Fsync.dir(blockDir);
    }
}
