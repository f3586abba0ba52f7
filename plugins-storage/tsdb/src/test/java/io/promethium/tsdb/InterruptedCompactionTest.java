package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static io.promethium.tsdb.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.TestSupport.Sample;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.Compactor;
import io.promethium.tsdb.internal.fs.FileOpener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A process that dies inside a compaction. The data folder is copied at the moment a fully
 * written block or WAL checkpoint is about to be renamed into place: the files a {@code kill -9}
 * there leaves (every write had reached the OS). Opened, the copy serves every sample committed,
 * once, and the temporary folder is gone. A block whose compaction into a larger one finished but
 * whose deletion did not is dropped at open, not served next to it. The tarball's
 * {@code CompactionCrashIT} kills a real server at the same points.
 */
class InterruptedCompactionTest {
    @TempDir
    Path dir;
    @TempDir
    Path crashed;

    private static final Labels SERIES = Labels.of("__name__", "c", "k", "v");

    /** {@code n} samples 15 s apart from time 0, value i at the i-th: 4 h of them make the head cut one 2 h block. */
    private static void append(Tsdb db, int n) {
        Appender app = db.appender();
        for (int i = 0; i < n; i++) {
            app.append(0, SERIES, i * 15_000L, i);
        }
        app.commit();
    }

    @ParameterizedTest
    @EnumSource(FileOpener.Written.class)
    void aCrashBeforeTheRenameLeavesATemporaryFolderThatIsRemovedAndNoSampleIsLost(FileOpener.Written at) throws IOException {
        List<String> copied = new ArrayList<>();
        FileOpener copyAtRename = new FileOpener() {
            @Override
            public FileChannel open(Path path, OpenOption... options) throws IOException {
                return FileChannel.open(path, options);
            }

            @Override
            public void beforeRename(Written what, Path folder) {
                if (what == at && copied.isEmpty()) {
                    copyTree(dir, crashed);
                    copied.add(dir.relativize(folder).toString());
                }
            }
        };
        try (Tsdb db = Tsdb.open(options(dir), copyAtRename)) {
            append(db, 4 * 240);
            db.compact();
        }
        assertThat(copied).as("the compaction reached the rename").hasSize(1);
        Path leftover = crashed.resolve(copied.get(0));
        assertThat(leftover.getFileName().toString()).endsWith(".tmp");
        if (at == FileOpener.Written.BLOCK) {
            assertThat(leftover.resolve("meta.json")).as("complete but for the rename").exists();
        }

        try (Tsdb db = Tsdb.open(options(crashed))) {
            assertThat(leftover).doesNotExist();
            assertThat(db.corruptBlocks()).isEmpty();
            List<Sample> samples = readAll(db).get(SERIES);
            assertThat(samples).hasSize(4 * 240);
            for (int i = 0; i < samples.size(); i++) {
                assertThat(samples.get(i)).isEqualTo(new Sample(i * 15_000L, i));
            }
            // The next compaction redoes what the crash interrupted.
            db.compact();
            assertThat(db.blocks()).hasSize(1);
            assertThat(TestSupport.count(readAll(db))).isEqualTo(4 * 240);
        }
    }

    @Test
    void blocksAlreadyCompactedIntoALargerOneWhenTheProcessStoppedAreDeletedAtOpen() throws IOException {
        List<String> sources = new ArrayList<>();
        try (Tsdb db = Tsdb.open(options(dir))) {
            append(db, 6 * 240);
            db.compact();
            db.blocks().forEach(b -> sources.add(b.ulid()));
        }
        assertThat(sources).hasSize(2);
        // The merge a compaction makes, renamed into place; the crash came before its sources were deleted.
        List<Block> opened = new ArrayList<>();
        for (String ulid : sources) {
            opened.add(Block.open(dir.resolve(ulid)));
        }
        String merged = new Compactor(FileOpener.DEFAULT).merge(opened, dir).ulid();
        opened.forEach(Block::close);

        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.blocks()).singleElement().satisfies(b -> assertThat(b.ulid()).isEqualTo(merged));
            for (String ulid : sources) {
                assertThat(dir.resolve(ulid)).doesNotExist();
            }
            Map<Labels, List<Sample>> data = readAll(db);
            assertThat(data.get(SERIES)).hasSize(6 * 240);
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp"));
        }
    }

    private static void copyTree(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
