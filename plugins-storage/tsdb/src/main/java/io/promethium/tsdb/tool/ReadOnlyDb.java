package io.promethium.tsdb.tool;

import io.promethium.api.storage.Querier;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.fs.Fsync;
import io.promethium.tsdb.internal.head.Head;
import io.promethium.tsdb.internal.head.HeadReplay;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import io.promethium.tsdb.internal.query.HeadQuerier;
import io.promethium.tsdb.internal.query.MergeQuerier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A data directory opened without changing it (promtool's {@code OpenDBReadOnly}): its raw blocks,
 * and its WAL replayed into an in-memory head. Replay repairs a torn tail by truncating the
 * segment, so it runs on a copy of the WAL in a sandbox folder under {@code sandboxRoot} (the
 * data directory unless given; named {@code *.tmp}, so a server opening the directory removes one
 * a killed run left), deleted on close. No lock is taken: a running server's directory can be read.
 */
final class ReadOnlyDb implements AutoCloseable {
    /** Out-of-order samples the WAL holds were accepted when written: replay takes them all. */
    private static final long ANY_ORDER = 100L * 365 * 24 * 3600 * 1000;

    private final List<Block> blocks;
    private final Head head;

    private ReadOnlyDb(List<Block> blocks, Head head) {
        this.blocks = blocks;
        this.head = head;
    }

    static ReadOnlyDb open(Path dir, Path sandboxRoot) throws IOException {
        if (!Files.exists(dir)) {
            throw new IOException("opening the db dir: stat " + dir + ": no such file or directory"); // promtool's words
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("find blocks: readdirent " + dir + ": not a directory");
        }
        if (sandboxRoot != null && !Files.isDirectory(sandboxRoot)) {
            throw new IOException("--sandbox-dir-root " + sandboxRoot + " is not a directory");
        }
        List<Block> blocks = new ArrayList<>();
        // As promtool, an unreadable block fails the dump instead of silently leaving its samples out.
        java.io.ByteArrayOutputStream corrupt = new java.io.ByteArrayOutputStream();
        List<Block> opened = BlockList.open(dir, new PrintStream(corrupt, true, java.nio.charset.StandardCharsets.UTF_8));
        if (corrupt.size() > 0) {
            closeAll(opened);
            throw new IOException("unreadable block in " + dir + ": " + corrupt.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
        }
        for (Block b : opened) {
            if (b.meta().resolution() != 0) {
                b.close(); // a downsampled companion holds aggregates, not samples
            } else {
                blocks.add(b);
            }
        }
        long maxBlockTime = Long.MIN_VALUE;
        for (Block b : blocks) {
            maxBlockTime = Math.max(maxBlockTime, b.meta().maxTime());
        }
        TsdbMetrics metrics = new TsdbMetrics();
        Head head = new Head(metrics, ANY_ORDER);
        head.setPersistedBefore(maxBlockTime);
        Path wal = dir.resolve("wal");
        if (Files.isDirectory(wal)) {
            Path root = sandboxRoot != null ? sandboxRoot : dir;
            Path sandbox = Files.createDirectory(root.resolve("dump-sandbox-" + System.nanoTime() + ".tmp"));
            try {
                replay(copyWal(wal, sandbox), head, metrics);
            } catch (IOException | RuntimeException e) {
                closeAll(blocks);
                throw e;
            } finally {
                Fsync.deleteRecursively(sandbox);
            }
        }
        return new ReadOnlyDb(blocks, head);
    }

    private static Path copyWal(Path wal, Path sandbox) throws IOException {
        Path copy = sandbox.resolve("wal");
        try (Stream<Path> files = Files.walk(wal)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = copy.resolve(wal.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }

    private static void replay(Path wal, Head head, TsdbMetrics metrics) throws IOException {
        HeadReplay.replay(head, wal, metrics);
    }

    /** Blocks and head over [mint, maxt], merged; close it before the database. */
    Querier querier(long mint, long maxt) {
        List<Querier> queriers = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Block b : blocks) {
            BlockMeta m = b.meta();
            if (m.maxTime() <= mint || m.minTime() > maxt) {
                continue;
            }
            if (b.corruption() != null) {
                warnings.add("block " + m.ulid() + " skipped: " + b.corruption());
            } else if (b.acquire()) {
                queriers.add(b.querier(mint, maxt));
            }
        }
        queriers.add(new HeadQuerier(head, mint, maxt));
        return new MergeQuerier(queriers, warnings);
    }

    @Override
    public void close() {
        closeAll(blocks);
    }

    private static void closeAll(List<Block> blocks) {
        for (Block b : blocks) {
            b.close();
        }
    }
}
