package io.promethium.tsdb;

import io.promethium.api.model.Matcher;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.StorageException.Reason;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.head.MemSeries;
import io.promethium.tsdb.internal.query.PostingsForMatchers;
import io.promethium.tsdb.internal.wal.WalRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * The administration operations of a {@link Tsdb} ({@link TsdbAdmin}, the HTTP API's
 * {@code /api/v1/admin/tsdb/*}): deleting series by tombstones, rewriting blocks without what
 * tombstones mark, and snapshots. Each runs under the database's compaction lock, so none
 * overlaps a compaction or another of them.
 */
final class TsdbAdministration {

    private TsdbAdministration() {
    }

    /**
     * Marks samples of matching series in {@code [mint, maxt]} deleted (tombstones in blocks and
     * downsampled companions, and in the head and its WAL).
     */
    static void delete(Tsdb t, List<Matcher> matchers, long mint, long maxt) {
        PostingsForMatchers.check(matchers);
        synchronized (t.compactionLock) {
            // Companions too: queries and coarser companions then leave out every window the interval touches.
            List<Block> all = new ArrayList<>(t.blocks);
            all.addAll(t.downsampledBlocks);
            for (Block b : all) {
                try {
                    b.delete(matchers, mint, maxt);
                } catch (IOException e) {
                    throw new StorageException(Reason.IO, "writing tombstones of block " + b.meta().ulid() + ": " + e.getMessage(), e);
                }
            }
            RoaringBitmap ids = PostingsForMatchers.select(t.head.postings(), matchers);
            WalRecords.Encoder enc = new WalRecords.Encoder();
            List<MemSeries> hit = new ArrayList<>();
            IntIterator it = ids.getIntIterator();
            while (it.hasNext()) {
                MemSeries s = t.head.series(it.next());
                if (s != null && s.overlaps(mint, maxt)) {
                    hit.add(s);
                }
            }
            if (hit.isEmpty()) {
                return;
            }
            enc.begin(WalRecords.TOMBSTONES);
            for (MemSeries s : hit) {
                enc.tombstone(s.ref(), mint, maxt);
            }
            enc.end();
            try {
                t.head.walLog().log(enc.bytes().array(), enc.bytes().length());
            } catch (IOException e) {
                throw new StorageException(Reason.IO, "writing tombstones to the WAL: " + e.getMessage(), e);
            }
            for (MemSeries s : hit) {
                s.addDeleted(mint, maxt);
            }
        }
    }

    /**
     * Rewrites every block that has tombstones without the deleted samples, and every downsampled
     * companion that has some without the windows they touch.
     */
    static void cleanTombstones(Tsdb t) {
        synchronized (t.compactionLock) {
            for (Block b : t.downsampledBlocks) {
                if (b.numTombstones() == 0 || b.corruption() != null) {
                    continue;
                }
                try {
                    TsdbDownsampling.rewrite(t, b);
                } catch (IOException e) {
                    t.metrics.compactionsFailed.increment();
                    throw new StorageException(Reason.IO, "rewriting companion " + b.meta().ulid() + ": " + e.getMessage(), e);
                }
            }
            for (Block b : t.blocks) {
                if (b.numTombstones() == 0 || b.corruption() != null) {
                    continue;
                }
                try {
                    BlockMeta meta = t.compactor.merge(List.of(b), t.dir);
                    TsdbCompaction.replaceBlocks(t, List.of(b), meta);
                } catch (IOException e) {
                    t.metrics.compactionsFailed.increment();
                    throw new StorageException(Reason.IO, "rewriting block " + b.meta().ulid() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Writes a consistent copy of the blocks and downsampled companions (hard links where the file
     * system allows) and, with {@code withHead}, the head's data as one more block, into {@code target}.
     */
    static void snapshot(Tsdb t, Path target, boolean withHead) {
        synchronized (t.compactionLock) {
            try {
                Files.createDirectories(target);
                // Companions too: where raw data expired they are all a snapshot holds of that time.
                List<Block> all = new ArrayList<>(t.blocks);
                all.addAll(t.downsampledBlocks);
                for (Block b : all) {
                    if (b.corruption() != null) {
                        continue;
                    }
                    linkTree(b.dir(), target.resolve(b.dir().getFileName()));
                }
                if (withHead && t.head.numSeries() > 0 && t.head.maxTime() != Long.MIN_VALUE) {
                    t.compactor.writeHead(t.head, target, t.head.minTime(), t.head.maxTime() + 1);
                }
            } catch (IOException e) {
                throw new StorageException(Reason.IO, "snapshot into " + target + " failed: " + e.getMessage(), e);
            }
        }
    }

    private static void linkTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    try {
                        Files.createLink(dest, p);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(p, dest);
                    }
                }
            }
        }
    }
}
