package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.count;
import static io.promethium.tsdb.TestSupport.options;
import static io.promethium.tsdb.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What three of Prometheus's TSDB flags do to the data folder: the chunk file size of the blocks
 * written ({@code --storage.tsdb.max-block-chunk-segment-size}), the delay before a due head cut
 * ({@code delayed-compaction}), and blocks put into or removed from the folder while the database
 * runs ({@code --storage.tsdb.block-reload-interval}).
 */
class DataFolderFlagsTest {

    @TempDir
    Path dir;

    @Test
    void blocksAreWrittenInChunkFilesNoLargerThanTheMaximumAndReadBackWhole() throws Exception {
        TsdbOptions o = options(dir.resolve("data")).withMaxChunkFileBytes(1L << 20);
        Random random = new Random(7);
        try (Tsdb db = Tsdb.open(o)) {
            // Random values compress badly (~9 bytes a sample): about 2 MB of chunks.
            for (int s = 0; s < 200; s++) {
                Appender a = db.appender();
                for (int i = 0; i < 1000; i++) {
                    a.append(0, Labels.of("__name__", "m", "s", Integer.toString(s)), i * 1000L, random.nextDouble());
                }
                a.commit();
            }
            db.flushHead();
            assertThat(db.blocks()).hasSize(1);
            Path chunks = dir.resolve("data").resolve(db.blocks().get(0).ulid()).resolve("chunks");
            List<Path> files;
            try (Stream<Path> list = Files.list(chunks)) {
                files = list.sorted().toList();
            }
            assertThat(files).hasSizeGreaterThanOrEqualTo(2);
            for (Path f : files) {
                assertThat(Files.size(f)).as(f.toString()).isLessThanOrEqualTo(1L << 20);
            }
            assertThat(count(readAll(db))).isEqualTo(200_000);
        }
    }

    @Test
    void aDueHeadCutWaitsForTheCompactionDelayWhileWithoutOneItIsCutAtOnce() throws Exception {
        Duration block = Duration.ofSeconds(1);
        try (Tsdb delayed = Tsdb.open(options(dir.resolve("delayed")).withBlockDuration(block).withCompactionDelay(Duration.ofMillis(800)));
             Tsdb prompt = Tsdb.open(options(dir.resolve("prompt")).withBlockDuration(block))) {
            for (Tsdb db : List.of(delayed, prompt)) {
                Appender a = db.appender();
                for (long t = 0; t <= 3000; t += 100) {
                    a.append(0, Labels.of("__name__", "m"), t, t);
                }
                a.commit();
            }
            prompt.compact();
            assertThat(prompt.blocks()).as("no delay: cut at the first look").isNotEmpty();
            long started = System.nanoTime();
            delayed.compact();
            assertThat(delayed.blocks()).as("the first look starts the delay").isEmpty();
            delayed.compact();
            if (System.nanoTime() - started < Duration.ofMillis(700).toNanos()) {
                assertThat(delayed.blocks()).as("still within the delay").isEmpty();
            }
            Thread.sleep(900);
            delayed.compact();
            assertThat(delayed.blocks()).as("after the delay").isNotEmpty();
            assertThat(delayed.blocks().get(0).minTime()).isZero();
            assertThat(count(readAll(delayed))).isEqualTo(31);
        }
    }

    @Test
    void aRandomCompactionDelayStaysBelowItsShareOfTheBlockDuration() {
        Random random = new Random(11);
        long most = 0;
        for (int i = 0; i < 1000; i++) {
            Duration d = TsdbOptions.randomCompactionDelay(Duration.ofHours(2), 10, random);
            assertThat(d).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(Duration.ofMinutes(12));
            most = Math.max(most, d.toMillis());
        }
        assertThat(most).as("the draws spread over the range").isGreaterThan(Duration.ofMinutes(10).toMillis());
    }

    @Test
    void aBlockMovedIntoTheDataFolderIsServedAtTheNextReloadAndOneRemovedIsDropped() throws Exception {
        Path data = dir.resolve("data");
        Path other = dir.resolve("backfill");
        String ulid;
        try (Tsdb backfill = Tsdb.open(options(other))) {
            Appender a = backfill.appender();
            for (long t = 0; t < 60_000; t += 15_000) {
                a.append(0, Labels.of("__name__", "backfilled"), t, t);
            }
            a.commit();
            backfill.flushHead();
            ulid = backfill.blocks().get(0).ulid();
        }
        TsdbOptions o = options(data).withCompactionInterval(Duration.ofHours(1)).withBlockReloadInterval(Duration.ofMillis(200));
        try (Tsdb db = Tsdb.open(o)) {
            Appender a = db.appender();
            a.append(0, Labels.of("__name__", "live"), System.currentTimeMillis(), 1);
            a.commit();
            // A folder named as a block that does not open (no meta.json yet): left alone, not renamed.
            Path unfinished = data.resolve("01ARZ3NDEKTSV4RRFFQ69G5FAV");
            Files.createDirectories(unfinished.resolve("chunks"));
            Files.move(other.resolve(ulid), data.resolve(ulid));
            awaitUntil(() -> db.blocks().stream().anyMatch(b -> b.ulid().equals(ulid)), "the moved block served");
            assertThat(count(readAll(db))).isEqualTo(5);
            assertThat(unfinished).isDirectory();
            assertThat(db.blocks()).hasSize(1);

            removeTree(data.resolve(ulid));
            awaitUntil(() -> db.blocks().isEmpty(), "the removed block dropped");
            assertThat(count(readAll(db))).isEqualTo(1);
        }
    }

    private static void awaitUntil(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Deletes a folder tree, as an operator's {@code rm -r}. */
    private static void removeTree(Path root) throws java.io.IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
