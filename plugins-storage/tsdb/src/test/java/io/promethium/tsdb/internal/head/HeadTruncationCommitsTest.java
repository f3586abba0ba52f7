package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A head truncation walks every series (seconds at millions of series); commits must go on
 * meanwhile, as Prometheus's per-stripe GC lets them. Under one head-wide lock for the whole walk,
 * every scrape's commit waited for it: with 2-minute blocks, a capacity step of 4M series
 * appended 93.7% of the samples due, against 99.9% with the walk outside the lock.
 */
class HeadTruncationCommitsTest {

    @Test
    void aCommitGoesThroughWhileTheTruncationIsStillWalkingTheSeries() throws Exception {
        Head head = new Head(new TsdbMetrics(), 0);
        Appender first = head.appender();
        long held = first.append(0, Labels.of("__name__", "held"), 1_000, 1);
        first.append(0, Labels.of("__name__", "other"), 1_000, 1);
        first.commit();
        MemSeries heldSeries = head.series(held);
        Thread truncation;
        CompletableFuture<Void> commit;
        // Holding one series' monitor parks the truncation's walk on that series.
        synchronized (heldSeries) {
            truncation = new Thread(() -> head.truncateBefore(500), "truncation");
            truncation.start();
            while (truncation.getState() != Thread.State.BLOCKED) {
                assertThat(truncation.isAlive()).as("the truncation waits for the held series").isTrue();
                Thread.sleep(1);
            }
            commit = CompletableFuture.runAsync(() -> {
                Appender app = head.appender();
                app.append(0, Labels.of("__name__", "other"), 2_000, 2);
                app.commit();
            });
            commit.get(10, TimeUnit.SECONDS);
        }
        truncation.join(10_000);
        assertThat(truncation.isAlive()).isFalse();
        assertThat(commit).isCompleted();
        assertThat(head.series(held)).as("the held series keeps its sample after 500").isNotNull();
    }
}
