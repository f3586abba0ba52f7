package io.promethium.tsdb.tool;

import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.block.Ulid;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@code list DIR}: one line per block, like promtool tsdb list; unreadable blocks say why. */
final class BlockList {
    private final PrintStream out;

    BlockList(PrintStream out) {
        this.out = out;
    }

    /** Opens every block folder in {@code dir}, oldest first; the caller closes them. */
    static List<Block> open(Path dir, PrintStream report) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("not a directory: " + dir);
        }
        List<Block> blocks = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                if (Files.isDirectory(p) && Ulid.looksLike(p.getFileName().toString())) {
                    try {
                        blocks.add(Block.open(p));
                    } catch (IOException | RuntimeException e) {
                        report.printf("%s  CORRUPT: %s%n", p.getFileName(), e.getMessage());
                    }
                }
            }
        }
        blocks.sort((a, b) -> Long.compare(a.meta().minTime(), b.meta().minTime()));
        return blocks;
    }

    void list(Path dir) throws IOException {
        out.printf("%-26s  %-24s  %-24s  %10s  %12s  %10s  %8s  %5s  %12s%n", "BLOCK ULID", "MIN TIME", "MAX TIME", "DURATION",
                "NUM SAMPLES", "NUM CHUNKS", "SERIES", "LEVEL", "SIZE");
        for (Block b : open(dir, out)) {
            BlockMeta m = b.meta();
            out.printf("%-26s  %-24s  %-24s  %10s  %12d  %10d  %8d  %5d  %12d%n", m.ulid(), Instant.ofEpochMilli(m.minTime()),
                    Instant.ofEpochMilli(m.maxTime()), java.time.Duration.ofMillis(m.maxTime() - m.minTime()), m.numSamples(),
                    m.numChunks(), m.numSeries(), m.level(), b.sizeBytes());
            b.close();
        }
    }
}
