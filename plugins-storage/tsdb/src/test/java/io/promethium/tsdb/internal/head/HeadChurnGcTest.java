package io.promethium.tsdb.internal.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StorageException;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Head garbage collection under series churn, against Prometheus's rule (tsdb/head.go
 * {@code stripeSeries.gc} and {@code memSeries.truncateChunksBefore}): a truncation at
 * {@code mint} drops every chunk whose newest sample is before {@code mint}, then every series
 * left without chunks (and without a pending commit). A churned series' last sample is its
 * staleness marker, so it goes at the first truncation past that marker, and not before.
 */
class HeadChurnGcTest {
    private static final long INTERVAL = 10_000;
    private static final long BLOCK = 120_000;
    private static final long REPLACE_EVERY = 60_000;
    private static final int TARGETS = 10;
    private static final int SERIES_PER_TARGET = 7;

    private final Head head = new Head(new TsdbMetrics(), 0);

    private static Labels series(int pod, int i) {
        return Labels.of("__name__", "m" + i, "pod", "pod-" + pod);
    }

    @Test
    void truncationsDuringChurnKeepExactlyTheSeriesWithASampleAtOrAfterTheBlockBoundary() {
        // Each pod's series' newest sample (value or staleness marker), as the reference model.
        Map<Labels, Long> newest = new HashMap<>();
        int[] live = new int[TARGETS];
        for (int k = 0; k < TARGETS; k++) {
            live[k] = k;
        }
        int nextPod = TARGETS;
        long headMin = Long.MAX_VALUE;
        int truncations = 0;
        // Start off a block boundary, as a real clock does; 12 minutes: 12 replacements, 5 truncations.
        for (long t = 7_000; t <= 12 * 60_000; t += INTERVAL) {
            Appender app = head.appender();
            if (t % REPLACE_EVERY == 7_000 && t > 7_000) {
                // One pod replaced: its series get a staleness marker now, then nothing.
                int slot = (int) ((t / REPLACE_EVERY) % TARGETS);
                for (int i = 0; i < SERIES_PER_TARGET; i++) {
                    app.append(0, series(live[slot], i), t, StaleMarker.STALE_NAN);
                    newest.put(series(live[slot], i), t);
                }
                live[slot] = nextPod++;
            }
            for (int pod : live) {
                for (int i = 0; i < SERIES_PER_TARGET; i++) {
                    app.append(0, series(pod, i), t, t / 1000.0 + i);
                    newest.put(series(pod, i), t);
                }
            }
            app.commit();
            headMin = Math.min(headMin, t);
            // Prometheus's head.compactable() and Compact(): cut [mint, boundary) while the head spans > 1.5 blocks.
            while (t - headMin > BLOCK * 3 / 2) {
                long boundary = Math.floorDiv(headMin, BLOCK) * BLOCK + BLOCK;
                head.truncateBefore(boundary);
                headMin = boundary;
                truncations++;
                Set<Labels> expected = new HashSet<>();
                newest.forEach((labels, last) -> {
                    if (last >= boundary) {
                        expected.add(labels);
                    }
                });
                newest.keySet().retainAll(expected);
                Set<Labels> kept = new HashSet<>();
                head.forEachSeries(s -> kept.add(s.labels()));
                assertThat(kept).as("series kept by the truncation at %d", boundary).isEqualTo(expected);
                assertThat(head.numSeries()).isEqualTo(expected.size());
                assertThat(head.chunkCount()).as("the head's count of chunks after the truncation at %d", boundary)
                        .isEqualTo(walkedChunks());
            }
        }
        assertThat(truncations).isEqualTo(5);
        assertThat(head.chunkCount()).isPositive().isEqualTo(walkedChunks());
    }

    /** The chunks every series holds, as the head's counted gauge must give them. */
    private long walkedChunks() {
        long[] n = {0};
        head.forEachSeries(s -> n[0] += s.chunkCount());
        return n[0];
    }

    @Test
    void aStalenessMarkerBelowTheValidTimeForACollectedSeriesBringsNoSeriesBack() {
        Labels ended = series(1, 0);
        Labels other = series(2, 0);
        Appender app = head.appender();
        app.append(0, ended, 10_000, 1);
        app.append(0, other, 10_000, 1);
        app.append(0, other, 130_000, 1);
        app.commit();
        head.truncateBefore(BLOCK);
        assertThat(head.numSeries()).isEqualTo(1);

        // A late marker (a long scrape interval, a rule group removed) below the valid time: refused,
        // as Prometheus refuses it before looking the series up, and no empty series is created.
        Appender late = head.appender();
        assertThatThrownBy(() -> late.append(0, ended, 20_000, StaleMarker.STALE_NAN))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.OUT_OF_BOUNDS));
        late.commit();
        assertThat(head.numSeries()).isEqualTo(1);
        assertThat(head.postings().ramBytesUsed()).isPositive();
        Set<Labels> kept = new HashSet<>();
        head.forEachSeries(s -> kept.add(s.labels()));
        assertThat(kept).containsExactly(other);
    }

    @Test
    void withOutOfOrderAppendsOnAnOldSampleStillReachesTheSeriesCheck() {
        Head ooo = new Head(new TsdbMetrics(), 600_000);
        Labels labels = series(1, 0);
        Appender app = ooo.appender();
        app.append(0, series(2, 0), 200_000, 1);
        app.commit();
        ooo.setMinValidTime(BLOCK);
        Appender old = ooo.appender();
        old.append(0, labels, 100_000, 1);
        old.commit();
        assertThat(ooo.numSeries()).isEqualTo(2);
    }
}
