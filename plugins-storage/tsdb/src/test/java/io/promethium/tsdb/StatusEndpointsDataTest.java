package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.StoredBlock;
import io.promethium.api.storage.WalReplayProgress.Segments;
import io.promethium.tsdb.internal.block.Block;
import io.promethium.tsdb.internal.metrics.TsdbMetrics;
import io.promethium.tsdb.internal.wal.WalFiles;
import io.promethium.tsdb.internal.wal.WalReplay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the TSDB reports for {@code /api/v1/status/walreplay} and {@code /api/v1/status/tsdb/blocks}:
 * the segments on disk and the blocks loaded, counted here from the files and the data written.
 */
class StatusEndpointsDataTest {
    static final long MIN = 60_000L;
    static final long HOUR = 60 * MIN;

    @TempDir
    Path dir;

    /** {@code series} series, one sample each per step of {@code stepMillis} in {@code [from, to)}, a commit per step. */
    private static void fill(Tsdb db, int series, long from, long to, long stepMillis) {
        for (long t = from; t < to; t += stepMillis) {
            Appender app = db.appender();
            for (int s = 0; s < series; s++) {
                app.append(0, Labels.of("__name__", "m", "s", "s" + s), t, t % 7919 + s);
            }
            app.commit();
        }
    }

    private static List<Integer> segmentsOnDisk(Path wal) throws IOException {
        return WalFiles.segments(wal);
    }

    private static int checkpointOnDisk(Path wal) throws IOException {
        try (Stream<Path> s = Files.list(wal)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("checkpoint\\.[0-9]+"))
                    .mapToInt(n -> Integer.parseInt(n.substring("checkpoint.".length()))).max().orElse(-1);
        }
    }

    @Test
    void replayReportsTheSegmentsOnDiskAndEndsAtTheWritersSegment() throws Exception {
        TsdbOptions opts = options(dir).withWalSegmentBytes(64 << 10).withWalCompression(WalCompression.NONE);
        ReplayProgress first = new ReplayProgress();
        try (Tsdb db = Tsdb.open(opts, first)) {
            // A fresh WAL: Prometheus's {0, 0, 0} (its log opens segment 0 before replaying it).
            assertThat(first.segments()).isEqualTo(new Segments(0, 0, 0));
            fill(db, 20, 0, 3000 * 15_000L, 15_000L);
        }
        List<Integer> segments = segmentsOnDisk(dir.resolve("wal"));
        assertThat(segments).as("the WAL spans several segments").hasSizeGreaterThanOrEqualTo(3);
        int last = segments.get(segments.size() - 1);

        // Each segment is reported as read, in order, after the range is announced.
        List<String> steps = new ArrayList<>();
        new WalReplay(new TsdbMetrics(), 2, s -> s).replay(dir.resolve("wal"), r -> { }, new WalReplay.Progress() {
            @Override
            public void started(int min, int max) {
                steps.add("started " + min + ".." + max);
            }

            @Override
            public void read(int segment) {
                steps.add("read " + segment);
            }
        });
        List<String> expected = new ArrayList<>();
        expected.add("started 0.." + (last + 1));
        segments.forEach(s -> expected.add("read " + s));
        assertThat(steps).isEqualTo(expected);

        ReplayProgress second = new ReplayProgress();
        try (Tsdb db = Tsdb.open(opts, second)) {
            assertThat(second.segments()).isEqualTo(new Segments(0, last + 1, last + 1));
            assertThat(db.walReplay()).isEqualTo(second.segments());
        }
        assertThat(segmentsOnDisk(dir.resolve("wal"))).contains(last + 1);
    }

    @Test
    void replayAfterACheckpointStartsAtTheCheckpointsSegment() throws Exception {
        try (Tsdb db = Tsdb.open(options(dir))) {
            // Over 1.5 block durations: the head cut writes a block and checkpoints the WAL.
            fill(db, 3, 0, 4 * HOUR, 15_000L);
            db.compact();
            fill(db, 3, 4 * HOUR, 4 * HOUR + 10 * 15_000L, 15_000L);
        }
        Path wal = dir.resolve("wal");
        int checkpoint = checkpointOnDisk(wal);
        assertThat(checkpoint).as("a checkpoint was written").isGreaterThanOrEqualTo(0);
        List<Integer> segments = segmentsOnDisk(wal);
        int last = Math.max(checkpoint, segments.isEmpty() ? -1 : segments.get(segments.size() - 1));
        ReplayProgress progress = new ReplayProgress();
        try (Tsdb db = Tsdb.open(options(dir), progress)) {
            assertThat(progress.segments()).isEqualTo(new Segments(checkpoint, last + 1, last + 1));
        }
    }

    @Test
    void withTheWalOffNothingIsReplayed() {
        ReplayProgress progress = new ReplayProgress();
        try (Tsdb db = Tsdb.open(options(dir).withWal(false, false), progress)) {
            assertThat(db.walReplay()).isEqualTo(Segments.NONE);
        }
    }

    @Test
    void blockMetasAreTheLoadedBlocksRawFirstThenDownsampled() throws Exception {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 3, 0, 30 * HOUR, MIN);
            db.compact();
            db.delete(List.of(Matcher.equal("s", "s1")), 0, 10 * MIN);
            TsdbDownsampling.run(db, TsdbDownsamplingTest.LEVELS);
            assertThat(db.downsampledBlocks).isNotEmpty();

            List<StoredBlock> metas = db.blockMetas();
            List<Block> raw = db.blocks.stream().sorted(Comparator.comparingLong(b -> b.meta().minTime())).toList();
            assertThat(metas).hasSize(raw.size() + db.downsampledBlocks.size());
            for (int i = 0; i < raw.size(); i++) {
                StoredBlock m = metas.get(i);
                Block b = raw.get(i);
                assertThat(m.ulid()).isEqualTo(b.dir().getFileName().toString());
                assertThat(Files.exists(dir.resolve(m.ulid()).resolve("meta.json"))).isTrue();
                assertThat(m.resolutionMillis()).isZero();
                assertThat(m.version()).isEqualTo(1);
                assertThat(m.sources()).isEqualTo(b.meta().sources());
                // The samples written in the block's range: one a minute for each of 3 series.
                long inRange = (Math.min(m.maxTime(), 30 * HOUR) - m.minTime() + MIN - 1) / MIN;
                assertThat(m.numSamples()).isEqualTo(3 * inRange);
                assertThat(m.numSeries()).isEqualTo(3);
                assertThat(m.numTombstones()).isEqualTo(m.minTime() <= 10 * MIN ? 1 : 0);
            }
            assertThat(metas.get(0).minTime()).isZero();
            List<StoredBlock> downsampled = metas.subList(raw.size(), metas.size());
            assertThat(downsampled).allMatch(m -> m.resolutionMillis() == 5 * MIN || m.resolutionMillis() == HOUR);
            assertThat(downsampled.stream().map(StoredBlock::ulid).toList())
                    .containsExactlyInAnyOrderElementsOf(db.downsampledBlocks.stream().map(b -> b.meta().ulid()).toList());
            assertThat(downsampled).isSortedAccordingTo(Comparator.comparingLong(StoredBlock::resolutionMillis)
                    .thenComparingLong(StoredBlock::minTime));
        }
    }
}
