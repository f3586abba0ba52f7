package io.promethium.tsdb.internal.block;

/**
 * Chunk files {@code chunks/000001...}: an 8-byte header (magic, version, padding), then chunk
 * records {@code uvarint(len) | encoding:1 | data[len] | crc32c:4} (CRC over encoding and data).
 * A chunk's reference is {@code fileIndex << 32 | offset}.
 */
final class ChunkFileFormat {
    static final int MAGIC = 0x50524D43;
    static final int VERSION = 1;
    static final int HEADER = 8;
    static final long MAX_FILE_BYTES = 512L << 20;

    private ChunkFileFormat() {
    }

    static String fileName(int index) {
        return String.format("%06d", index);
    }
}
