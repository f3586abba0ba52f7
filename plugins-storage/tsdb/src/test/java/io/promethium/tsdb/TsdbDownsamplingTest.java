package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.SampleIterator;
import io.promethium.tsdb.internal.block.AggrChunk.Aggregate;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.block.DownsampledReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The downsampling pass over a database's blocks: which blocks get companions, idempotence, merged blocks, reopening. */
class TsdbDownsamplingTest {
    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;
    static final List<TsdbDownsampling.Level> LEVELS = List.of(new TsdbDownsampling.Level(5 * MIN, 10 * HOUR),
            new TsdbDownsampling.Level(HOUR, 11 * HOUR));

    @TempDir
    Path dir;

    private static void fill(Tsdb db, long fromHour, long hours) {
        for (long t = fromHour * HOUR; t < (fromHour + hours) * HOUR; t += MIN) {
            Appender app = db.appender();
            for (int s = 0; s < 3; s++) {
                app.append(0, Labels.of("__name__", "m", "s", "s" + s), t, t / MIN % 13 + s);
            }
            app.commit();
        }
    }

    private static void assertCompanionsDoNotOverlap(Tsdb db) {
        for (long res : new long[] {5 * MIN, HOUR}) {
            List<BlockMeta> metas = db.downsampledBlocks.stream().map(Block::meta).filter(m -> m.resolution() == res).toList();
            for (int i = 1; i < metas.size(); i++) {
                assertThat(metas.get(i).minTime()).as("companions at " + res).isGreaterThanOrEqualTo(metas.get(i - 1).maxTime());
            }
        }
    }

    @Test
    void blocksOldEnoughGetCompanionsOnceAndMergedBlocksReplaceTheirPiecesCompanions() throws Exception {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, 30);
            db.compact();
            long newest = Math.max(db.maxBlockTime(), db.head.maxTime());
            List<BlockMeta> written = TsdbDownsampling.run(db, LEVELS);
            assertThat(written).isNotEmpty();
            for (Block raw : db.blocks) {
                boolean old = raw.meta().maxTime() <= newest - 10 * HOUR;
                boolean has = db.downsampledBlocks.stream().anyMatch(c -> c.meta().resolution() == 5 * MIN
                        && c.meta().sources().containsAll(raw.meta().sources()));
                assertThat(has).as("5 m companion of " + raw.meta().minTime() / HOUR + "h-" + raw.meta().maxTime() / HOUR + "h").isEqualTo(old);
            }
            assertThat(db.downsampledBlocks).anyMatch(c -> c.meta().resolution() == HOUR);
            assertThat(TsdbDownsampling.run(db, LEVELS)).as("a second pass").isEmpty();
            assertCompanionsDoNotOverlap(db);

            // The companions' sums over (0, 6 h] are the raw sums.
            List<Block> fiveMinutes = db.downsampledBlocks.stream().filter(c -> c.meta().resolution() == 5 * MIN).toList();
            double sum = 0;
            for (DownsampledReader.Series s : DownsampledReader.select(fiveMinutes, List.of(Matcher.equal("__name__", "m")), 1, 6 * HOUR)) {
                SampleIterator it = s.iterator(Aggregate.SUM, 1, 6 * HOUR);
                while (it.next()) {
                    sum += it.value();
                }
            }
            double raw = 0;
            for (List<TestSupport.Sample> samples : TestSupport.read(db, 1, 6 * HOUR, Matcher.equal("__name__", "m")).values()) {
                for (TestSupport.Sample x : samples) {
                    raw += x.v();
                }
            }
            assertThat(sum).isEqualTo(raw);

            // Every block gets a 5 m companion now (age 0), the small recent ones too; more data makes
            // compaction merge those, and the next pass replaces their companions by the merged block's.
            TsdbDownsampling.run(db, List.of(new TsdbDownsampling.Level(5 * MIN, 0)));
            List<String> pieces = db.blocks.stream().filter(b -> b.meta().maxTime() - b.meta().minTime() < 18 * HOUR)
                    .flatMap(b -> db.downsampledBlocks.stream().filter(c -> c.meta().sources().equals(b.meta().sources())))
                    .map(c -> c.meta().ulid()).toList();
            assertThat(pieces).isNotEmpty();
            fill(db, 30, 30);
            db.compact();
            TsdbDownsampling.run(db, LEVELS);
            assertCompanionsDoNotOverlap(db);
            assertThat(db.downsampledBlocks).extracting(c -> c.meta().ulid()).doesNotContainAnyElementsOf(pieces);
            newest = Math.max(db.maxBlockTime(), db.head.maxTime());
            for (Block raw2 : db.blocks) {
                if (raw2.meta().maxTime() <= newest - 10 * HOUR) {
                    assertThat(db.downsampledBlocks).as("companion of " + raw2.meta().minTime() / HOUR + "h")
                            .anyMatch(c -> c.meta().resolution() == 5 * MIN && c.meta().sources().containsAll(raw2.meta().sources()));
                }
            }
        }
        List<String> before;
        try (Tsdb db = Tsdb.open(options(dir))) {
            before = db.downsampledBlocks.stream().map(b -> b.meta().ulid()).toList();
            assertThat(before).isNotEmpty();
            assertThat(TsdbDownsampling.run(db, LEVELS)).as("a pass after reopening").isEmpty();
        }
    }

    @Test
    void levelsMustBeIncreasingMultiples() throws Exception {
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThatThrownBy(() -> TsdbDownsampling.run(db, List.of(new TsdbDownsampling.Level(HOUR, 0), new TsdbDownsampling.Level(5 * MIN, 0))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger multiple");
            assertThatThrownBy(() -> new TsdbDownsampling.Level(0, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
