package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.promethium.tsdb.internal.fs.FileOpener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What of a block's files stays in the process: pages a merge reads do not become part of its
 * resident memory, and a closed block leaves no mapping behind (a deleted block's disk space and
 * pages are freed at once, not when the collector finds its buffers). Read from Linux's
 * {@code /proc/self}; skipped elsewhere.
 */
class BlockMappingTest {
    private static final long MINT = 1_700_006_400_000L;

    @TempDir
    Path dir;

    @Test
    void aMergeLeavesTheSourcesChunkPagesOutOfTheProcesssResidentMemory() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/self/smaps")));
        Path parent = Files.createDirectories(dir.resolve("data"));
        Block a = Block.open(RandomBlocks.write(parent, 2000, 240, MINT, 1));
        Block b = Block.open(RandomBlocks.write(parent, 2000, 240, MINT + 240 * RandomBlocks.STEP, 2));
        try {
            Path fileA = a.dir().resolve("chunks/000001");
            Path fileB = b.dir().resolve("chunks/000001");
            long size = Files.size(fileA);
            assertThat(size).isGreaterThan(3L << 20);
            // Opening checks each file's header through the mapping, which faults in the pages (or the
            // large folio) around it.
            long openedA = residentKb(fileA);
            long openedB = residentKb(fileB);
            BlockMeta merged = new Compactor(FileOpener.DEFAULT).merge(List.of(a, b), parent);
            assertThat(merged.numSamples()).isEqualTo(2 * 2000 * 240);
            assertThat(residentKb(fileA)).isEqualTo(openedA);
            assertThat(residentKb(fileB)).isEqualTo(openedB);
            // The same file read through the mapping is resident: the figure above is not blind.
            ChunkReader.Loaded into = new ChunkReader.Loaded();
            for (long ref : RandomBlocks.refs(a)) {
                a.chunks().load(ref, into);
            }
            assertThat(residentKb(fileA)).isGreaterThan(openedA + size / 1024 / 2);
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aClosedBlockLeavesNothingOfItsFolderMapped() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")));
        Block block = Block.open(RandomBlocks.write(dir, 200, 240, MINT, 3));
        ChunkReader.Loaded into = new ChunkReader.Loaded();
        for (long ref : RandomBlocks.refs(block)) {
            block.chunks().load(ref, into);
        }
        assertThat(mappedUnder(block.dir())).contains(block.dir().resolve("chunks/000001").toString(),
                block.dir().resolve(SymbolTable.FILE).toString());
        block.close();
        // The block object is still referenced here, so nothing was left for the collector to unmap.
        assertThat(mappedUnder(block.dir())).isEmpty();
    }

    /** The resident kB of the process's mappings of {@code file}. */
    private static long residentKb(Path file) throws IOException {
        long kb = 0;
        boolean in = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (Character.isDigit(line.charAt(0)) || (line.charAt(0) >= 'a' && line.charAt(0) <= 'f' && line.contains("-"))) {
                in = line.endsWith(" " + file);
            } else if (in && line.startsWith("Rss:")) {
                kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kb;
    }

    /** The files under {@code folder} the process has mapped. */
    private static List<String> mappedUnder(Path folder) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(l -> l.contains(folder.toString()))
                .map(l -> l.substring(l.indexOf('/')).replace(" (deleted)", ""))
                .distinct().toList();
    }
}
