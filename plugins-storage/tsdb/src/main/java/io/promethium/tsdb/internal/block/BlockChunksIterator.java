package io.promethium.tsdb.internal.block;

import io.promethium.chunks.ChunkFormatException;
import io.promethium.chunks.ChunkIterator;
import io.promethium.chunks.XorIterator;
import io.promethium.tsdb.internal.query.ChunkedSampleIterator;

/** Reads a block series' chunks (from the mapped files unless told otherwise); a corrupt chunk marks the block corrupt. */
final class BlockChunksIterator extends ChunkedSampleIterator {
    private final ChunkReader.Loaded loaded = new ChunkReader.Loaded();
    private Block block;
    private ChunkLoader chunks;
    private BlockIndex.SeriesMeta meta;

    void reset(Block block, BlockIndex.SeriesMeta meta, long mint, long maxt, long[] deleted) {
        reset(block, block.chunks(), meta, mint, maxt, deleted);
    }

    /** As {@link #reset(Block, BlockIndex.SeriesMeta, long, long, long[])}, reading the chunks through {@code chunks}. */
    void reset(Block block, ChunkLoader chunks, BlockIndex.SeriesMeta meta, long mint, long maxt, long[] deleted) {
        this.block = block;
        this.chunks = chunks;
        this.meta = meta;
        init(mint, maxt, deleted);
    }

    @Override
    protected int chunkCount() {
        return meta.refs().length;
    }

    @Override
    protected long chunkMinTime(int index) {
        return meta.mints()[index];
    }

    @Override
    protected long chunkMaxTime(int index) {
        return meta.maxts()[index];
    }

    @Override
    protected ChunkIterator openChunk(int index, ChunkIterator reuse) {
        try {
            chunks.load(meta.refs()[index], loaded);
            ChunkIterator it = ChunkIterator.forEncoding(loaded.encoding, reuse);
            int count = XorIterator.headerCount(loaded.data, 1);
            it.reset(loaded.data, 1, loaded.length, count, meta.mints()[index]);
            return it;
        } catch (ChunkFormatException e) {
            block.markDamaged(e.getMessage());
            throw e;
        }
    }
}
