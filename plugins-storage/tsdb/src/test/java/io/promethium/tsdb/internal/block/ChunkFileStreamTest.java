package io.promethium.tsdb.internal.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.chunks.ChunkFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A block's chunk files read front to back through a buffer (compaction, downsampling) give what the mapping gives. */
class ChunkFileStreamTest {
    private static final long MINT = 1_700_006_400_000L;

    @TempDir
    Path dir;

    /** Buffer sizes: the default, one record or so (most reads refill), and smaller than any record (each read on its own). */
    @ParameterizedTest
    @ValueSource(ints = {ChunkFileStream.BUFFER_BYTES, 1500, 64})
    void streamReadsEveryChunkAsTheMappingDoesInFileOrderBackwardsAndAtRandom(int bufferBytes) throws IOException {
        Block block = Block.open(RandomBlocks.write(dir, 600, 240, MINT, 1));
        try {
            long[] refs = RandomBlocks.refs(block);
            assertThat(refs).hasSize(1200);
            assertThat(Files.size(block.dir().resolve("chunks/000001"))).isGreaterThan(4L * ChunkFileStream.BUFFER_BYTES);
            long[] backwards = new long[refs.length];
            for (int i = 0; i < refs.length; i++) {
                backwards[i] = refs[refs.length - 1 - i];
            }
            long[] shuffled = refs.clone();
            Random random = new Random(2);
            for (int i = shuffled.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                long t = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = t;
            }
            for (long[] order : new long[][] {refs, backwards, shuffled}) {
                LongAdder read = new LongAdder();
                ChunkReader.Loaded mapped = new ChunkReader.Loaded();
                ChunkReader.Loaded streamed = new ChunkReader.Loaded();
                try (ChunkFileStream stream = new ChunkFileStream(block.dir().resolve("chunks"), 1, read, bufferBytes)) {
                    for (long ref : order) {
                        block.chunks().load(ref, mapped);
                        stream.load(ref, streamed);
                        assertThat(streamed.encoding).isEqualTo(mapped.encoding);
                        assertThat(streamed.length).isEqualTo(mapped.length);
                        assertThat(Arrays.copyOf(streamed.data, streamed.length + 1)).isEqualTo(Arrays.copyOf(mapped.data, mapped.length + 1));
                    }
                }
                // Whole records (length, encoding, data, CRC), as the mapping counts them: the file less its header.
                assertThat(read.sum()).isEqualTo(Files.size(block.dir().resolve("chunks/000001")) - ChunkFileFormat.HEADER);
            }
        } finally {
            block.close();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {ChunkFileStream.BUFFER_BYTES, 64})
    void aFlippedByteIsAChecksumErrorNamingTheBlockFileAndOffset(int bufferBytes) throws IOException {
        Path blockDir = RandomBlocks.write(dir, 50, 120, MINT, 3);
        Block block = Block.open(blockDir);
        try {
            long[] refs = RandomBlocks.refs(block);
            long victim = refs[20];
            try (FileChannel ch = FileChannel.open(blockDir.resolve("chunks/000001"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.allocate(1);
                long at = (int) victim + 40;
                ch.read(b, at);
                b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
                ch.write(b, at);
            }
            try (ChunkFileStream stream = new ChunkFileStream(blockDir.resolve("chunks"), 1, new LongAdder(), bufferBytes)) {
                ChunkReader.Loaded into = new ChunkReader.Loaded();
                stream.load(refs[19], into);
                assertThatThrownBy(() -> stream.load(victim, into)).isInstanceOf(ChunkFormatException.class)
                        .hasMessage("block " + blockDir.getFileName() + ": corrupt chunk in " + blockDir.resolve("chunks/000001")
                                + " at offset " + (int) victim + ": checksum mismatch");
                stream.load(refs[21], into);
            }
        } finally {
            block.close();
        }
    }

    @Test
    void aRecordRunningPastTheFilesEndOrAMissingFileIsAnErrorNotAShortRead() throws IOException {
        Path chunks = Files.createDirectories(dir.resolve("01M8278M0WE72T8MST0X4R05JP/chunks"));
        ByteBuffer file = ByteBuffer.allocate(ChunkFileFormat.HEADER + 20);
        file.putInt(ChunkFileFormat.MAGIC).put((byte) ChunkFileFormat.VERSION).put(new byte[3]);
        // A record claiming 1,000 bytes (uvarint 0xe8 0x07) where the file holds 18 more.
        file.put((byte) 0xe8).put((byte) 0x07).put((byte) 1);
        Files.write(chunks.resolve("000001"), file.array());
        for (int bufferBytes : new int[] {ChunkFileStream.BUFFER_BYTES, 8}) {
            try (ChunkFileStream stream = new ChunkFileStream(chunks, 1, new LongAdder(), bufferBytes)) {
                ChunkReader.Loaded into = new ChunkReader.Loaded();
                assertThatThrownBy(() -> stream.load(1L << 32 | ChunkFileFormat.HEADER, into)).isInstanceOf(ChunkFormatException.class)
                        .hasMessageEndingWith("000001 at offset " + ChunkFileFormat.HEADER + ": length 1000 past end of file");
                assertThatThrownBy(() -> stream.load(2L << 32 | ChunkFileFormat.HEADER, into)).isInstanceOf(ChunkFormatException.class)
                        .hasMessageContaining("names a missing file");
            }
        }
    }
}
