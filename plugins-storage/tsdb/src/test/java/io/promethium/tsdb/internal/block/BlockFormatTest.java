package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.chunks.Chunks;
import io.promethium.tsdb.internal.fs.FileOpener;
import io.promethium.tsdb.internal.util.FormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blocks of index format 1 (labels as strings, written before symbol tables) stay readable and compact into format 2. */
class BlockFormatTest {
    private static final String OLD = "01M8278M0WE72T8MST0X4R05JP";
    private static final long MINT = 1_700_006_400_000L;

    @TempDir
    Path dir;

    @Test
    void formatOneBlockIsReadAndItsCompactionWritesTheSameSeriesInFormatTwo() throws IOException {
        Path old = copyFixture();
        Block block = Block.open(old);
        List<String> before;
        try {
            assertThat(format(old)).isNull();
            before = RandomBlocks.dump(block);
            assertThat(before).hasSize(3);
            assertThat(before.get(0)).startsWith(Labels.of("__name__", "old_block_metric", "instance", "a:9100", "job", "node")
                    + " 250 " + MINT + "=0.0 ");
            assertThat(before.get(2)).startsWith(Labels.of("__name__", "old_block_other", "path", "/a\"b ü") + " 250 "
                    + (MINT + 2) + "=0.0 " + (MINT + 15_002) + "=0.25 ");
            BlockMeta merged = new Compactor(FileOpener.DEFAULT).merge(List.of(block), dir);
            Block next = Block.open(dir.resolve(merged.ulid()));
            try {
                assertThat(format(next.dir())).isEqualTo(BlockWriter.FORMAT_2);
                assertThat(RandomBlocks.dump(next)).isEqualTo(before);
            } finally {
                next.close();
            }
        } finally {
            block.close();
        }
    }

    @Test
    void indexFlushedInManySegmentsKeepsItsDocumentsInLabelOrder() throws IOException {
        // Segments of 7 documents: Lucene merges them while the series are added and once more at the end.
        int series = 1_000;
        Path written;
        try (BlockWriter writer = new BlockWriter(dir, MINT, MINT + 60_000, FileOpener.DEFAULT, Chunks.SAMPLES_PER_CHUNK,
                ChunkFileFormat.MAX_FILE_BYTES, ByteBuffer.allocate(BlockWriter.PENDING_BYTES), 7)) {
            for (int s = 0; s < series; s++) {
                // Label sets of different sizes, so segment sizes do not follow the order.
                Labels labels = s % 3 == 0 ? Labels.of("__name__", "m", "i", String.format("%05d", s), "padding", "x".repeat(s % 50))
                        : Labels.of("__name__", "m", "i", String.format("%05d", s));
                writer.addSeries(labels, new long[] {MINT + s}, new double[] {s}, 1);
            }
            written = dir.resolve(writer.finish(1, List.of()).ulid());
        }
        Block block = Block.open(written);
        try {
            assertThat(block.index().maxDoc()).isEqualTo(series);
            List<String> dump = RandomBlocks.dump(block);
            assertThat(dump).hasSize(series);
            for (int s = 0; s < series; s++) {
                assertThat(dump.get(s)).contains("i=\"" + String.format("%05d", s) + "\"").endsWith(" 1 " + (MINT + s) + "=" + (double) s + " ");
            }
            long[] refs = RandomBlocks.refs(block);
            for (int i = 1; i < refs.length; i++) {
                assertThat(refs[i]).as("chunk reference of document %d", i).isGreaterThan(refs[i - 1]);
            }
        } finally {
            block.close();
        }
    }

    @Test
    void symbolTableRoundTripsAnyTextAndRefusesDamage() throws IOException {
        List<String> symbols = List.of("", "a", "12:34", "ü\u0000:x", "__name__", "9".repeat(300));
        Path file = dir.resolve("symbols");
        SymbolTable.write(file, symbols, FileOpener.DEFAULT);
        SymbolTable table = SymbolTable.open(file);
        assertThat(table.size()).isEqualTo(symbols.size());
        for (int i = 0; i < symbols.size(); i++) {
            assertThat(table.get(i)).isEqualTo(symbols.get(i));
        }
        assertThatThrownBy(() -> table.get(symbols.size())).isInstanceOf(FormatException.class).hasMessageContaining("outside");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        assertThatThrownBy(() -> SymbolTable.open(file)).isInstanceOf(FormatException.class).hasMessageContaining("checksum");
    }

    private Path copyFixture() throws IOException {
        Path target = dir.resolve(OLD);
        String base = "/blocks/format1/" + OLD + "/";
        for (String f : List.of("meta.json", "chunks/000001", "index/_0.cfe", "index/_0.cfs", "index/_0.si", "index/segments_1")) {
            Path to = target.resolve(f);
            Files.createDirectories(to.getParent());
            try (InputStream in = BlockFormatTest.class.getResourceAsStream(base + f)) {
                assertThat(in).as(base + f).isNotNull();
                Files.copy(in, to);
            }
        }
        return target;
    }

    private static String format(Path block) throws IOException {
        try (var d = FSDirectory.open(block.resolve("index")); var r = DirectoryReader.open(d)) {
            return r.getIndexCommit().getUserData().get(BlockWriter.FORMAT_KEY);
        }
    }
}
