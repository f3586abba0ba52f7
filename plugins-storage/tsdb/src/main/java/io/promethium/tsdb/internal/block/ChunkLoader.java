package io.promethium.tsdb.internal.block;

/** Where a block's chunk records are read from: its mapping (queries) or a stream front to back (compaction, downsampling). */
interface ChunkLoader {
    /**
     * Copies the chunk at {@code ref} (file number in the high 32 bits, offset in the low) into
     * {@code into}, checking its CRC; a bad record is a {@link io.promethium.chunks.ChunkFormatException}.
     */
    void load(long ref, ChunkReader.Loaded into);
}
