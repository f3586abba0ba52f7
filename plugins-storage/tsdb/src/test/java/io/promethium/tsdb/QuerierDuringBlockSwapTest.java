package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.internal.block.Block;
import java.nio.file.Path;
import java.util.AbstractList;
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
            db.blocks = new AbstractList<>() {
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
                    db.blocks = List.of(replacement);
                    before.get(0).close();
                    return before.iterator();
                }
            };
            assertThat(TestSupport.read(db, 0, Long.MAX_VALUE, Matcher.equal("job", "api")).get(up)).hasSize(samples);
        }
    }
}
