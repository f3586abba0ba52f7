package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the head is cut and garbage-collected under churn. Prometheus's appender signals the
 * compactor from the commit that leaves the head spanning more than 1.5 block durations
 * ({@code dbAppender.Commit}: {@code if db.head.compactable() { db.compactc <- ... }}), so ended
 * series go within moments of that commit, not at the next periodic pass (a minute later at
 * most). Samples carry synthetic times; the periodic pass is set to an hour so that only the
 * commit can start a compaction here.
 */
class HeadCompactionOnCommitTest {
    private static final long BLOCK = 120_000;
    private static final long INTERVAL = 10_000;

    @TempDir
    Path dir;

    @Test
    void theCommitThatMakesTheHeadCompactableCutsAndCollectsItWithoutWaitingForThePeriodicPass() throws Exception {
        TsdbOptions o = options(dir).withBlockDuration(Duration.ofMillis(BLOCK)).withCompactionInterval(Duration.ofHours(1));
        try (Tsdb db = Tsdb.open(o)) {
            Map<Labels, Long> newest = new HashMap<>();
            int[] live = {0, 1, 2, 3, 4};
            int nextPod = live.length;
            long headMin = Long.MAX_VALUE;
            int cuts = 0;
            for (long t = 0; t <= 9 * 60_000; t += INTERVAL) {
                Appender app = db.appender();
                if (t % 60_000 == 0 && t > 0) {
                    int slot = (int) (t / 60_000 % live.length);
                    for (int i = 0; i < 4; i++) {
                        Labels l = Labels.of("__name__", "m" + i, "pod", "pod-" + live[slot]);
                        app.append(0, l, t, StaleMarker.STALE_NAN);
                        newest.put(l, t);
                    }
                    live[slot] = nextPod++;
                }
                for (int pod : live) {
                    for (int i = 0; i < 4; i++) {
                        Labels l = Labels.of("__name__", "m" + i, "pod", "pod-" + pod);
                        app.append(0, l, t, i);
                        newest.put(l, t);
                    }
                }
                app.commit();
                db.awaitBackground();
                headMin = Math.min(headMin, t);
                // Prometheus: compactable() after this commit, then Compact() cuts block by block and truncates.
                while (t - headMin > BLOCK * 3 / 2) {
                    long boundary = Math.floorDiv(headMin, BLOCK) * BLOCK + BLOCK;
                    newest.values().removeIf(last -> last < boundary);
                    headMin = boundary;
                    cuts++;
                }
                assertThat(db.head().numSeries()).as("head series after the commit at %d", t).isEqualTo(newest.size());
            }
            assertThat(cuts).isEqualTo(3);
            // Three 2-minute blocks, which the planner may have merged since.
            assertThat(db.blocks).isNotEmpty();
            assertThat(db.blocks.get(0).meta().minTime()).isZero();
            assertThat(db.blocks.get(db.blocks.size() - 1).meta().maxTime()).isEqualTo(3 * BLOCK);
        }
    }

    @Test
    void aFailedCommitTriggeredCompactionIsNotRetriedByEveryCommitButByTheNextPeriodicPass() throws Exception {
        FullDisk disk = new FullDisk();
        disk.fullUnder = ".tmp"; // blocks and checkpoints are written under <name>.tmp, WAL segments are not
        TsdbOptions o = options(dir).withBlockDuration(Duration.ofMillis(BLOCK)).withCompactionInterval(Duration.ofHours(1));
        try (Tsdb db = Tsdb.open(o, disk)) {
            Labels l = Labels.of("__name__", "up", "pod", "a");
            long t = 0;
            for (; t <= 4 * BLOCK; t += INTERVAL) {
                Appender app = db.appender();
                app.append(0, l, t, 1);
                app.commit();
                db.awaitBackground();
            }
            // Compactable from 190 s on: one attempt, then commits stay quiet for the interval.
            assertThat(db.metrics().compactionsFailed.sum()).isEqualTo(1);
            assertThat(db.blocks).isEmpty();
            disk.fullUnder = null;
            db.compact();
            assertThat(db.blocks).isNotEmpty();
            assertThat(db.head().compactable()).isFalse();
        }
    }
}
