package io.promethium.tsdb.internal.block;

import io.promethium.chunks.ChunkFormatException;
import io.promethium.tsdb.internal.util.FormatException;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32C;

/**
 * A block's chunk files, memory-mapped read-only. Every read checks the chunk's CRC, so a flipped
 * byte surfaces as an error naming the block, file and offset rather than as wrong samples.
 */
final class ChunkReader {
    private final Path dir;
    private final List<MappedByteBuffer> files = new ArrayList<>();
    // Bytes of chunk records read (length, encoding, data, CRC): what the query benchmarks report.
    // One add per chunk (up to 120 samples), shared by concurrent readers.
    private final LongAdder bytesRead = new LongAdder();

    ChunkReader(Path blockDir, List<Long> expectedSizes) throws IOException {
        this.dir = blockDir.resolve("chunks");
        for (int i = 0; i < expectedSizes.size(); i++) {
            Path path = dir.resolve(ChunkFileFormat.fileName(i + 1));
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size != expectedSizes.get(i)) {
                    throw new FormatException("chunk file " + path + " is " + size + " bytes, meta.json says " + expectedSizes.get(i));
                }
                MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
                if (size < ChunkFileFormat.HEADER || buf.getInt(0) != ChunkFileFormat.MAGIC) {
                    throw new FormatException("chunk file " + path + " has a bad header");
                }
                files.add(buf);
            }
        }
    }

    /** Holds one chunk's bytes, copied out of the mapping into a reused array. */
    private static final int SLACK = 24;

    static final class Loaded {
        byte[] data = new byte[256];
        int length;
        byte encoding;
        private final CRC32C crc = new CRC32C();
    }

    void load(long ref, Loaded into) {
        int file = (int) (ref >>> 32) - 1;
        int offset = (int) ref;
        if (file < 0 || file >= files.size()) {
            throw new ChunkFormatException("chunk ref " + Long.toHexString(ref) + " names a missing file in " + dir);
        }
        MappedByteBuffer buf = files.get(file);
        int limit = buf.limit();
        int pos = offset;
        long len = 0;
        for (int shift = 0; ; shift += 7) {
            if (pos >= limit || shift > 28) {
                throw corrupt(file, offset, "bad length");
            }
            int b = buf.get(pos++) & 0xff;
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
        // before the array's end, so 24 bytes let them decode the whole chunk.
        if (into.data.length < n + 1 + SLACK) {
            into.data = new byte[Math.max(n + 1 + SLACK, into.data.length * 2)];
        }
        buf.get(pos, into.data, 0, n + 1);
        int stored = buf.getInt(pos + n + 1);
        into.crc.reset();
        into.crc.update(into.data, 0, n + 1);
        if ((int) into.crc.getValue() != stored) {
            throw corrupt(file, offset, "checksum mismatch");
        }
        into.encoding = into.data[0];
        into.length = n;
        bytesRead.add(pos - offset + n + 1 + 4);
    }

    /** Bytes of chunk records {@link #load} has read since the block was opened. */
    long bytesRead() {
        return bytesRead.sum();
    }

    private ChunkFormatException corrupt(int file, int offset, String what) {
        return new ChunkFormatException("block " + dir.getParent().getFileName() + ": corrupt chunk in " + dir.resolve(ChunkFileFormat.fileName(file + 1)) + " at offset "
                + offset + ": " + what);
    }
}
