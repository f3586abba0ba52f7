package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.WalPosition;
import io.promethium.api.storage.WalVisitor;
import io.promethium.api.storage.WalWatchable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAL as the api's followable log: what remote write tails. */
class WalFollowTest {
    @TempDir
    Path dir;

    /** Collects what a follower sees. */
    private static final class Seen implements WalVisitor {
        final Map<Long, Labels> series = new HashMap<>();
        final List<String> samples = new ArrayList<>();

        @Override
        public void series(long ref, Labels labels) {
            series.put(ref, labels);
        }

        @Override
        public void sample(long ref, long timestamp, double value) {
            samples.add(series.get(ref).get("s") + "@" + timestamp + "=" + Double.doubleToRawLongBits(value));
        }
    }

    private static void append(Tsdb db, int series, long t, double v) {
        Appender app = db.appender();
        for (int s = 0; s < series; s++) {
            app.append(0, Labels.of("__name__", "m", "s", Integer.toString(s)), t, v);
        }
        app.commit();
    }

    private static WalPosition drain(WalWatchable log, WalPosition from, WalVisitor visitor) throws Exception {
        WalPosition at = from;
        while (true) {
            WalPosition next = log.read(at, 4096, visitor);
            if (next.equals(at)) {
                return at;
            }
            at = next;
        }
    }

    @Test
    void followerSeesEveryCommittedSampleOnceAcrossSegmentsWithStaleMarkersExact() throws Exception {
        // Plain records: these equal values would compress into a single segment (compressed
        // segments are followed in WalCompressionTest).
        try (Tsdb db = Tsdb.open(options(dir).withWalSegmentBytes(64 << 10).withWalCompression(WalCompression.NONE))) {
            WalWatchable log = db.walWatchable();
            WalPosition start = log.end();
            Seen seen = new Seen();
            for (int t = 0; t < 400; t++) {
                append(db, 20, t * 1000L, t);
            }
            append(db, 1, 400_000L, StaleMarker.STALE_NAN);
            WalPosition end = drain(log, start, seen);
            assertThat(end).isEqualTo(log.end());
            assertThat(end.segment()).isGreaterThan(start.segment());
            assertThat(seen.samples).hasSize(400 * 20 + 1).doesNotHaveDuplicates();
            assertThat(seen.samples.get(seen.samples.size() - 1))
                    .isEqualTo("0@400000=" + Double.doubleToRawLongBits(StaleMarker.STALE_NAN));
            assertThat(log.read(end, 4096, seen)).isEqualTo(end);
        }
    }

    @Test
    void resumingAtAPositionAfterRestartAndCheckpointResolvesSeriesAndSkipsWhatWasRead() throws Exception {
        WalPosition middle;
        try (Tsdb db = Tsdb.open(options(dir).withWalSegmentBytes(64 << 10))) {
            WalWatchable log = db.walWatchable();
            for (int t = 0; t < 100; t++) {
                append(db, 10, t * 1000L, t);
            }
            middle = log.end();
            for (int t = 100; t < 200; t++) {
                append(db, 10, t * 1000L, t);
            }
        }
        try (Tsdb db = Tsdb.open(options(dir).withWalSegmentBytes(64 << 10))) {
            WalWatchable log = db.walWatchable();
            Seen seen = new Seen();
            log.seriesBefore(middle, seen);
            assertThat(seen.series).hasSize(10);
            assertThat(seen.samples).isEmpty();
            drain(log, middle, seen);
            assertThat(seen.samples).hasSize(100 * 10).allMatch(s -> Long.parseLong(s.split("[@=]")[1]) >= 100_000L);
        }
    }

    @Test
    void aPositionCutAwayByACheckpointResumesAtTheOldestSegment() throws Exception {
        try (Tsdb db = Tsdb.open(options(dir).withWalSegmentBytes(64 << 10))) {
            WalWatchable log = db.walWatchable();
            WalPosition start = log.end();
            for (int t = 0; t < 100; t++) {
                append(db, 10, t * 1000L, t);
            }
            db.flushHead();
            append(db, 10, 200_000L, 1);
            assertThat(log.oldest()).isGreaterThan(start);
            Seen seen = new Seen();
            log.seriesBefore(log.oldest(), seen);
            drain(log, start, seen);
            assertThat(seen.samples).hasSize(10).allMatch(s -> s.contains("@200000="));
        }
    }
}
