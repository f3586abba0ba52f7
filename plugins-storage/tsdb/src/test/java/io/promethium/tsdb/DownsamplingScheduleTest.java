package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.internal.block.Block;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The downsampling pass as compaction runs it: off without levels, companions per level, retention per resolution. */
class DownsamplingScheduleTest {
    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;

    @TempDir
    Path dir;

    private static void fill(Tsdb db, long fromHour, long hours) {
        for (long t = fromHour * HOUR; t < (fromHour + hours) * HOUR; t += MIN) {
            Appender app = db.appender();
            app.append(0, Labels.of("__name__", "m"), t, t / MIN % 13);
            app.commit();
        }
    }

    private static long companions(Tsdb db, long resolution) {
        return db.downsampledBlocks.stream().filter(b -> b.meta().resolution() == resolution).count();
    }

    @Test
    void withoutLevelsCompactionWritesNoCompanion() throws Exception {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, 40);
            db.compact();
            assertThat(db.blocks).isNotEmpty();
            assertThat(db.downsampledBlocks).isEmpty();
        }
    }

    @Test
    void compactionWritesCompanionsForOldEnoughBlocksAtEveryLevel() throws Exception {
        try (Tsdb db = Tsdb.open(options(dir))) {
            db.setDownsampling(List.of(new DownsamplingLevel(Duration.ofMinutes(5), Duration.ofHours(10), Duration.ZERO),
                    new DownsamplingLevel(Duration.ofHours(1), Duration.ofHours(12), Duration.ZERO)));
            fill(db, 0, 40);
            db.compact();
            long newest = Math.max(db.maxBlockTime(), db.head.maxTime());
            assertThat(companions(db, 5 * MIN)).isPositive();
            assertThat(companions(db, HOUR)).isPositive();
            for (Block c : db.downsampledBlocks) {
                long after = c.meta().resolution() == HOUR ? 12 * HOUR : 10 * HOUR;
                assertThat(c.meta().maxTime()).isLessThanOrEqualTo(newest - after);
            }
        }
    }

    @Test
    void aSnapshotHoldsTheCompanions() throws Exception {
        Path snap = dir.resolve("snap");
        long written;
        try (Tsdb db = Tsdb.open(options(dir.resolve("db")))) {
            db.setDownsampling(List.of(new DownsamplingLevel(Duration.ofMinutes(5), Duration.ofHours(10), Duration.ZERO)));
            fill(db, 0, 40);
            db.compact();
            written = companions(db, 5 * MIN);
            assertThat(written).isPositive();
            db.snapshot(snap, false);
        }
        try (Tsdb copy = Tsdb.open(options(snap))) {
            assertThat(companions(copy, 5 * MIN)).isEqualTo(written);
        }
    }

    @Test
    void eachResolutionKeepsItsOwnRetentionAndOutlivesRawData() throws Exception {
        // Raw kept 20 h, 5 m companions 30 h, 1 h companions for ever.
        try (Tsdb db = Tsdb.open(options(dir).withRetention(Duration.ofHours(20)))) {
            db.setDownsampling(List.of(new DownsamplingLevel(Duration.ofMinutes(5), Duration.ofHours(4), Duration.ofHours(30)),
                    new DownsamplingLevel(Duration.ofHours(1), Duration.ofHours(4), Duration.ZERO)));
            for (int h = 0; h < 60; h += 6) {
                fill(db, h, 6);
                db.compact();
            }
            long newest = Math.max(db.maxBlockTime(), db.head.maxTime());
            long oldestRaw = db.blocks.stream().mapToLong(b -> b.meta().minTime()).min().orElseThrow();
            assertThat(oldestRaw).as("raw retention").isGreaterThan(newest - 26 * HOUR);
            for (Block c : db.downsampledBlocks) {
                if (c.meta().resolution() == 5 * MIN) {
                    assertThat(c.meta().maxTime()).as("5 m retention").isGreaterThan(newest - 30 * HOUR);
                }
            }
            assertThat(db.downsampledBlocks.stream().filter(c -> c.meta().resolution() == 5 * MIN)
                    .mapToLong(c -> c.meta().minTime()).min().orElseThrow()).as("5 m companions outlive raw data").isLessThan(oldestRaw);
            assertThat(db.downsampledBlocks.stream().filter(c -> c.meta().resolution() == HOUR)
                    .mapToLong(c -> c.meta().minTime()).min().orElseThrow()).as("1 h companions kept from the start").isLessThan(6 * HOUR);
            assertThat(java.nio.file.Files.list(dir).filter(p -> p.getFileName().toString().length() == 26).count())
                    .as("deleted companions leave no folder").isEqualTo(db.blocks.size() + db.downsampledBlocks.size());

            // Turning downsampling off keeps the companions; with no level naming them, the raw retention applies.
            db.setDownsampling(List.of());
            fill(db, 60, 6);
            db.compact();
            long newest2 = Math.max(db.maxBlockTime(), db.head.maxTime());
            assertThat(db.downsampledBlocks).isNotEmpty().allMatch(c -> c.meta().maxTime() > newest2 - 20 * HOUR);
        }
    }

    @Test
    void levelsThatAreNotIncreasingMultiplesAreRefused() throws Exception {
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThatThrownBy(() -> db.setDownsampling(List.of(new DownsamplingLevel(Duration.ofMinutes(5), Duration.ZERO, Duration.ZERO),
                    new DownsamplingLevel(Duration.ofMinutes(7), Duration.ZERO, Duration.ZERO)))).isInstanceOf(IllegalArgumentException.class);
            assertThat(db.downsampling()).isEmpty();
        }
    }
}
