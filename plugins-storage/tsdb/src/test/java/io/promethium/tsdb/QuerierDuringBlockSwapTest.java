package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.internal.block.Block;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A querier opened while a compaction replaces a block: it read the block list before the swap
 * and acquires the block after the compaction released it. It must read the list the compaction
 * published, not skip the block (a kill -9 test saw a query answer without one block's samples).
 */
class QuerierDuringBlockSwapTest {
    @TempDir
    Path dir;

    @Test
    void aBlockReplacedBetweenReadingTheListAndAcquiringItIsReadFromItsReplacement() throws Exception {
        Labels up = Labels.of("__name__", "up", "job", "api");
        try (Tsdb db = Tsdb.open(options(dir))) {
            Appender app = db.appender();
            for (int i = 0; i < 100; i++) {
                app.append(0, up, i * 60_000L, i);
            }
            app.commit();
            db.flushHead();
            List<Block> before = db.blocks;
            assertThat(before).hasSize(1);
            int samples = TestSupport.read(db, 0, Long.MAX_VALUE, Matcher.equal("job", "api")).get(up).size();
            // The list the querier reads swaps itself as it is walked: the compaction publishes the
            // replacement (the same block opened again) and releases the block it replaced.
            Block replacement = Block.open(before.get(0).dir());
            db.blocks = swappedAsWalked(before, () -> {
                db.blocks = List.of(replacement);
                before.get(0).close();
            });
            assertThat(TestSupport.read(db, 0, Long.MAX_VALUE, Matcher.equal("job", "api")).get(up)).hasSize(samples);
        }
    }

    @Test
    void companionsReplacedAsTheQuerierOpensOrDeletedWhileItIsOpenStillAnswerWhereRawDataExpired() throws Exception {
        long hour = 3_600_000L;
        Labels gauge = Labels.of("__name__", "gauge", "job", "api");
        try (Tsdb db = Tsdb.open(options(dir).withRetention(Duration.ofHours(6)))) {
            db.setDownsampling(List.of(new DownsamplingLevel(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ZERO)));
            for (long h = 0; h < 18; h += 3) {
                Appender app = db.appender();
                for (long t = h * hour; t < (h + 3) * hour; t += 60_000L) {
                    app.append(0, gauge, t, 1);
                }
                app.commit();
                db.compact();
            }
            long rawStart = db.blocks.stream().mapToLong(b -> b.meta().minTime()).min().orElseThrow();
            assertThat(rawStart).as("raw data expired").isGreaterThan(6 * hour);
            List<Block> before = db.downsampledBlocks;
            assertThat(before).isNotEmpty();
            List<Block> replacements = new ArrayList<>();
            for (Block b : before) {
                replacements.add(Block.open(b.dir()));
            }
            db.downsampledBlocks = swappedAsWalked(before, () -> {
                db.downsampledBlocks = replacements;
                before.forEach(Block::close);
            });
            SelectHints hints = new SelectHints(0, 18 * hour, hour, "sum_over_time", hour, List.of(), false, SelectHints.AUTO);
            try (Querier q = db.querier(0, 18 * hour)) {
                // Retention deletes the companions while the querier is open: its references keep them readable.
                db.downsampledBlocks = List.of();
                replacements.forEach(Block::close);
                SeriesSet set = q.select(true, hints, List.of(Matcher.equal("job", "api")));
                double expired = 0;
                while (set.next()) {
                    SampleIterator it = set.at().iterator(null);
                    while (it.next()) {
                        if (it.timestamp() < rawStart) {
                            expired += it.value();
                        }
                    }
                }
                assertThat(set.error()).isNull();
                assertThat(expired).as("one per minute before raw data starts, summed from the companions").isEqualTo(rawStart / 60_000L);
            }
        }
    }

    /** {@code before} as a list that runs {@code swap} (publish the replacement, release the old) as it starts being walked. */
    private static List<Block> swappedAsWalked(List<Block> before, Runnable swap) {
        return new AbstractList<>() {
            @Override
            public Block get(int index) {
                return before.get(index);
            }

            @Override
            public int size() {
                return before.size();
            }

            @Override
            public Iterator<Block> iterator() {
                swap.run();
                return before.iterator();
            }
        };
    }
}
