package io.promethium.tsdb;

import io.promethium.api.storage.StorageStats;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.block.Ulid;
import io.promethium.tsdb.internal.fs.Fsync;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Opening a {@link Tsdb}'s data folder: removing what interrupted writes left, opening every
 * block folder, setting aside those that cannot be opened and dropping those an interrupted
 * compaction had already replaced. Runs once, from the database's constructor, before the WAL
 * is replayed. While the database runs, {@link #reload} serves the block folders put into the
 * data folder by hand and lets go of those removed from it.
 */
final class TsdbBlockLoader {
    private final Path dir;
    private final TsdbMetrics metrics;
    /** Block folders set aside (or skipped) during {@link #load()}. */
    private final List<StorageStats.CorruptBlock> setAside = new ArrayList<>();

    TsdbBlockLoader(Path dir, TsdbMetrics metrics) {
        this.dir = dir;
        this.metrics = metrics;
    }

    /**
     * What {@link #load()} found.
     *
     * @param blocks raw blocks to serve, oldest first
     * @param downsampled downsampled companions, oldest first
     * @param setAside block folders not served (set aside now or by an earlier start, or skipped)
     */
    record Loaded(List<Block> blocks, List<Block> downsampled, List<StorageStats.CorruptBlock> setAside) {
    }

    /**
     * Removes what an interrupted write left behind (a block or checkpoint being written when the
     * process died or the disk filled): such folders are never loaded, and they hold space.
     */
    void removeTemporaries() throws IOException {
        removeTemporaries(dir);
        Path walDir = dir.resolve("wal");
        if (Files.isDirectory(walDir)) {
            removeTemporaries(walDir);
        }
    }

    private static void removeTemporaries(Path in) throws IOException {
        try (Stream<Path> s = Files.list(in)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                // Prometheus's names too, for a data folder it wrote.
                if (name.endsWith(".tmp") || name.endsWith(".tmp-for-creation") || name.endsWith(".tmp-for-deletion")) {
                    Tsdb.LOG.info("removing " + p + ", left by an interrupted write");
                    Fsync.deleteRecursively(p);
                }
            }
        }
    }

    /**
     * Opens every block folder. One that cannot be opened (a missing or bad {@code meta.json},
     * index or chunk file) is set aside: renamed to {@code <ulid>.corrupted}, logged, counted and
     * listed in the status, and the database opens with the rest. Folders set aside earlier are
     * listed again, so the status shows them until an operator removes them.
     */
    Loaded load() throws IOException {
        List<Block> loaded = new ArrayList<>();
        List<Block> downsampled = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                String name = p.getFileName().toString();
                if (!Files.isDirectory(p)) {
                    continue;
                }
                int suffix = name.indexOf(Tsdb.CORRUPTED_SUFFIX);
                if (suffix > 0 && Ulid.looksLike(name.substring(0, suffix))) {
                    setAside.add(new StorageStats.CorruptBlock(name.substring(0, suffix), "set aside by an earlier start", p.toString()));
                    continue;
                }
                if (!Ulid.looksLike(name)) {
                    continue;
                }
                Path note = p.resolve(Block.DAMAGE_NOTE);
                if (Files.exists(note)) {
                    setAsideBlock(p, "a read found it corrupt: " + readNote(note), true);
                    continue;
                }
                try {
                    Block b = Block.open(p);
                    (b.meta().downsampled() ? downsampled : loaded).add(b);
                } catch (IOException | RuntimeException e) {
                    setAsideBlock(p, e);
                }
            }
        }
        loaded = withoutSuperseded(loaded);
        downsampled = withoutSuperseded(downsampled);
        loaded.sort(Comparator.comparingLong((Block b) -> b.meta().minTime()));
        downsampled.sort(Comparator.comparingLong((Block b) -> b.meta().minTime()));
        return new Loaded(List.copyOf(loaded), List.copyOf(downsampled), List.copyOf(setAside));
    }

    /**
     * Drops the blocks a compaction had already replaced when the process stopped: the merged
     * block was renamed into place, its sources were not deleted yet. As Prometheus deletes a
     * block named among a loaded block's parents: here, a block whose sources all lie in the
     * sources of one of a higher compaction level (and the same resolution) holds nothing that
     * one lacks, and loading both would serve its samples twice, or resurrect deleted ones.
     */
    private static List<Block> withoutSuperseded(List<Block> opened) {
        List<Block> kept = new ArrayList<>();
        for (Block b : opened) {
            Block by = null;
            for (Block other : opened) {
                BlockMeta m = other.meta();
                if (other != b && m.level() > b.meta().level() && m.resolution() == b.meta().resolution()
                        && m.sources().containsAll(b.meta().sources())) {
                    by = other;
                    break;
                }
            }
            if (by == null) {
                kept.add(b);
                continue;
            }
            Tsdb.LOG.warning("block " + b.dir() + " was compacted into " + by.meta().ulid()
                    + " before the process stopped and is deleted now (an interrupted compaction)");
            b.close();
            try {
                Fsync.deleteBlock(b.dir());
            } catch (IOException e) {
                // Not served either way; the next start tries again.
                Tsdb.LOG.severe("deleting block " + b.dir() + " failed (it is not served): " + e.getMessage());
            }
        }
        return kept;
    }

    /** Whether a block failed to open for what its files hold or lack, rather than for the process's situation. */
    private static boolean isCorruption(Exception e) {
        return e instanceof RuntimeException || e instanceof java.nio.file.NoSuchFileException || e instanceof java.io.EOFException
                || e instanceof org.apache.lucene.index.CorruptIndexException || e instanceof org.apache.lucene.index.IndexNotFoundException
                || e instanceof org.apache.lucene.index.IndexFormatTooOldException
                || e instanceof org.apache.lucene.index.IndexFormatTooNewException;
    }

    private static String readNote(Path note) {
        try {
            return Files.readString(note, java.nio.charset.StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "(its note is unreadable: " + e.getMessage() + ")";
        }
    }

    private void setAsideBlock(Path block, Exception cause) {
        java.nio.file.NoSuchFileException missing = missingFile(cause);
        String reason = missing != null
                ? "missing file " + missing.getFile()
                : cause.getMessage() == null ? cause.toString() : cause.getMessage();
        setAsideBlock(block, reason, isCorruption(cause));
    }

    /** The missing file behind a failure: Lucene wraps one its segment lists in "Problem reading index". */
    private static java.nio.file.NoSuchFileException missingFile(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.file.NoSuchFileException missing) {
                return missing;
            }
        }
        return null;
    }

    private void setAsideBlock(Path block, String reason, boolean corruption) {
        String ulid = block.getFileName().toString();
        if (!corruption) {
            // Not the block's fault (permissions, too many open files): skipped this time, left where it is.
            Tsdb.LOG.severe("block " + block + " could not be opened and is skipped (left in place): " + reason);
            setAside.add(new StorageStats.CorruptBlock(ulid, reason, block.toString()));
            return;
        }
        metrics.blocksCorrupt.increment();
        Path target = dir.resolve(ulid + Tsdb.CORRUPTED_SUFFIX);
        if (Files.exists(target)) {
            target = dir.resolve(ulid + Tsdb.CORRUPTED_SUFFIX + "." + System.currentTimeMillis());
        }
        try {
            Files.move(block, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Fsync.dir(dir);
            Tsdb.LOG.severe("block " + block + " is corrupt and was set aside as " + target + " (not served; remove it or restore it"
                    + " from a backup): " + reason);
        } catch (IOException e) {
            target = block;
            Tsdb.LOG.severe("block " + block + " is corrupt and is skipped (renaming it failed: " + e.getMessage() + "): " + reason);
        }
        setAside.add(new StorageStats.CorruptBlock(ulid, reason, target.toString()));
    }

    /** {@link #reload}, logging a failure instead of throwing it (the background's periodic call). */
    static void reloadQuietly(Tsdb t) {
        try {
            reload(t);
        } catch (IOException | RuntimeException e) {
            t.metrics.reloadsFailed.increment();
            Tsdb.LOG.log(java.util.logging.Level.WARNING, "reloading the blocks of " + t.dir + " failed; will retry", e);
        }
    }

    /**
     * As Prometheus every {@code --storage.tsdb.block-reload-interval}: serves the block folders
     * that appeared in the data folder since the last look (a backfill moved there by hand) and
     * lets go of the loaded blocks whose folder is gone. Unlike at open, a new folder that does not
     * open (still being copied, say) is left where it is and tried again next time, logged once;
     * one that opens later leaves the list of blocks not served. Runs under the compaction lock,
     * so the database's own block writes and deletions are never seen half done.
     */
    static void reload(Tsdb t) throws IOException {
        synchronized (t.compactionLock) {
            if (t.closed) {
                return;
            }
            java.util.Set<String> loaded = new java.util.HashSet<>();
            for (Block b : t.blocks) {
                loaded.add(b.meta().ulid());
            }
            for (Block b : t.downsampledBlocks) {
                loaded.add(b.meta().ulid());
            }
            List<Block> added = new ArrayList<>();
            try (Stream<Path> s = Files.list(t.dir)) {
                for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                    String name = p.getFileName().toString();
                    if (loaded.contains(name) || !Ulid.looksLike(name) || !Files.isDirectory(p)) {
                        continue;
                    }
                    try {
                        added.add(Block.open(p));
                        t.unopenedBlocks.remove(name);
                        t.corruptBlocks.removeIf(c -> c.block().equals(name) && c.path().equals(p.toString()));
                        Tsdb.LOG.info("serving block " + p + ", put into the data folder while the server runs");
                    } catch (IOException | RuntimeException e) {
                        if (t.unopenedBlocks.add(name)) {
                            Tsdb.LOG.warning("block " + p + " in the data folder does not open, not served (tried again every reload): " + e);
                        }
                    }
                }
            }
            List<Block> gone = new ArrayList<>();
            for (Block b : t.blocks) {
                if (!Files.isDirectory(b.dir())) {
                    gone.add(b);
                }
            }
            for (Block b : t.downsampledBlocks) {
                if (!Files.isDirectory(b.dir())) {
                    gone.add(b);
                }
            }
            if (!added.isEmpty() || !gone.isEmpty()) {
                List<Block> raw = new ArrayList<>(t.blocks);
                List<Block> companions = new ArrayList<>(t.downsampledBlocks);
                raw.removeAll(gone);
                companions.removeAll(gone);
                for (Block b : added) {
                    (b.meta().downsampled() ? companions : raw).add(b);
                }
                raw.sort(Comparator.comparingLong((Block b) -> b.meta().minTime()));
                companions.sort(Comparator.comparingLong((Block b) -> b.meta().minTime()));
                t.blocks = List.copyOf(raw);
                t.downsampledBlocks = List.copyOf(companions);
                for (Block b : gone) {
                    Tsdb.LOG.info("block " + b.dir() + " was removed from the data folder; no longer served");
                    b.close();
                }
            }
            t.metrics.reloads.increment();
        }
    }
}
