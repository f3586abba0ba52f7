package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.tsdb.internal.fs.FileOpener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactorTest {
    private static final long MINT = 1_700_006_400_000L;
    /** Random values: ~650 KB of chunks a block, more than a read buffer, and three blocks more than the write buffer. */
    private static final int SERIES = 300;
    private static final int SAMPLES = 240;

    @TempDir
    Path dir;

    @Test
    void mergesSharingBuffersOneAfterAnotherWriteWhatMergesWithBuffersOfTheirOwnDo() throws IOException {
        Path sources = Files.createDirectories(dir.resolve("sources"));
        List<Block> blocks = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                blocks.add(Block.open(RandomBlocks.write(sources, SERIES, SAMPLES, MINT + i * SAMPLES * RandomBlocks.STEP, i)));
            }
            // The second merge has more sources than the first: it reads through the first's two buffers, then a new one.
            List<List<Block>> runs = List.of(blocks.subList(0, 2), blocks.subList(2, 5));
            Compactor compactor = new Compactor(FileOpener.DEFAULT);
            Compactor.Buffers shared = new Compactor.Buffers();
            Path sharedOut = Files.createDirectories(dir.resolve("shared"));
            Path ownOut = Files.createDirectories(dir.resolve("own"));
            for (List<Block> run : runs) {
                BlockMeta viaShared = compactor.merge(run, sharedOut, null, shared);
                BlockMeta viaOwn = compactor.merge(run, ownOut);
                assertThat(viaShared.numSamples()).isEqualTo((long) run.size() * SERIES * SAMPLES);
                Block a = Block.open(sharedOut.resolve(viaShared.ulid()));
                Block b = Block.open(ownOut.resolve(viaOwn.ulid()));
                try {
                    List<String> expected = RandomBlocks.dump(b);
                    assertThat(expected).hasSize(SERIES);
                    assertThat(RandomBlocks.dump(a)).isEqualTo(expected);
                } finally {
                    a.close();
                    b.close();
                }
            }
        } finally {
            for (Block b : blocks) {
                b.close();
            }
        }
    }
}
