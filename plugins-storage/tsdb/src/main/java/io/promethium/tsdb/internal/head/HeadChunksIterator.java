package io.promethium.tsdb.internal.head;

import io.promethium.chunks.ChunkIterator;
import io.promethium.chunks.Encoding;
import io.promethium.chunks.HistogramChunkAppender;
import io.promethium.chunks.XorIterator;
import io.promethium.tsdb.internal.query.ChunkedSampleIterator;

/**
 * Reads a head series' chunks as snapshotted under the series lock: closed chunks are immutable;
 * of the open chunk only the samples present at snapshot time are read (its earlier bits never
 * change, so concurrent appends are harmless).
 */
final class HeadChunksIterator extends ChunkedSampleIterator {
    private byte[][] chunks = new byte[4][];
    private byte[] encodings = new byte[4];
    private long[] mints = new long[4];
    private long[] maxts = new long[4];
    private int[] counts = new int[4];
    private int n;

    /**
     * {@code closedTimes}: each closed chunk's min and max time, in pairs; {@code closedEnc}: their
     * encodings, null when all are XOR; {@code open}: the open float chunk's buffer holding
     * {@code openCount} samples, or null.
     */
    void reset(byte[][] closed, byte[] closedEnc, long[] closedTimes, byte[] open, int openCount, HistogramChunkAppender openH,
            long openMint, long openMaxt, long mint, long maxt, long[] deleted) {
        int numClosed = closed.length;
        int total = numClosed + (open == null && openH == null ? 0 : 1);
        if (chunks.length < total) {
            chunks = new byte[total][];
            encodings = new byte[total];
            mints = new long[total];
            maxts = new long[total];
            counts = new int[total];
        }
        n = 0;
        for (int i = 0; i < numClosed; i++) {
            long cMint = closedTimes[2 * i];
            long cMaxt = closedTimes[2 * i + 1];
            if (cMaxt < mint || cMint > maxt) {
                continue;
            }
            chunks[n] = closed[i];
            encodings[n] = closedEnc == null ? Encoding.XOR : closedEnc[i];
            mints[n] = cMint;
            maxts[n] = cMaxt;
            counts[n] = XorIterator.headerCount(closed[i], 0);
            n++;
        }
        if (open != null && openMaxt >= mint && openMint <= maxt) {
            chunks[n] = open;
            mints[n] = openMint;
            maxts[n] = openMaxt;
            counts[n] = openCount;
            encodings[n] = Encoding.XOR;
            n++;
        } else if (openH != null && openMaxt >= mint && openMint <= maxt) {
            chunks[n] = openH.buffer();
            mints[n] = openMint;
            maxts[n] = openMaxt;
            counts[n] = openH.count();
            encodings[n] = openH.encoding();
            n++;
        }
        init(mint, maxt, deleted == null ? null : deleted.clone());
    }

    @Override
    protected int chunkCount() {
        return n;
    }

    @Override
    protected long chunkMinTime(int index) {
        return mints[index];
    }

    @Override
    protected long chunkMaxTime(int index) {
        return maxts[index];
    }

    @Override
    protected ChunkIterator openChunk(int index, ChunkIterator reuse) {
        ChunkIterator it = encodings[index] == Encoding.XOR ? (reuse instanceof XorIterator x ? x : new XorIterator())
                : ChunkIterator.forEncoding(encodings[index], reuse);
        // The open chunk's buffer may grow past what we read; its length bound is the buffer's.
        it.reset(chunks[index], 0, chunks[index].length, counts[index]);
        return it;
    }
}
