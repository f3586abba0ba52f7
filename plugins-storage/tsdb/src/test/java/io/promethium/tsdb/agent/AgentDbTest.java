package io.promethium.tsdb.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.WalPosition;
import io.promethium.api.storage.WalVisitor;
import io.promethium.api.storage.WalWatchable;
import io.promethium.tsdb.WalCompression;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentDbTest {
    @TempDir
    Path dir;

    private AgentDb.Options options() {
        return new AgentDb.Options(dir, 1 << 20, Duration.ofHours(2), Duration.ofMinutes(5), Duration.ofHours(4), true,
                WalCompression.SNAPPY);
    }

    private static List<String> follow(WalWatchable log, WalPosition from) throws Exception {
        Map<Long, Labels> series = new HashMap<>();
        List<String> samples = new ArrayList<>();
        WalVisitor v = new WalVisitor() {
            @Override
            public void series(long ref, Labels labels) {
                series.put(ref, labels);
            }

            @Override
            public void sample(long ref, long timestamp, double value) {
                samples.add(series.get(ref).get("s") + "@" + timestamp);
            }
        };
        log.seriesBefore(from, v);
        WalPosition at = from;
        while (true) {
            WalPosition next = log.read(at, 1 << 16, v);
            if (next.equals(at)) {
                return samples;
            }
            at = next;
        }
    }

    @Test
    void appendsGoToAFollowableWalAndSurviveARestartWithoutQueries() throws Exception {
        WalPosition start;
        try (AgentDb db = AgentDb.open(options())) {
            start = db.walWatchable().end();
            Appender app = db.appender();
            for (int s = 0; s < 3; s++) {
                app.append(0, Labels.of("__name__", "m", "s", "" + s), 1000, s);
            }
            app.commit();
            SeriesSet set = db.querier(0, 2000).select(true, null, List.of(Matcher.equal("__name__", "m")));
            assertThat(set.next()).isFalse();
            assertThat(set.error()).hasMessage(AgentDb.UNAVAILABLE);
        }
        try (AgentDb db = AgentDb.open(options())) {
            assertThat(db.numSeries()).isEqualTo(3);
            Appender app = db.appender();
            assertThatThrownBy(() -> app.append(0, Labels.of("__name__", "m", "s", "0"), 500, 1))
                    .isInstanceOf(StorageException.class).hasMessageContaining("out of order");
            app.append(0, Labels.of("__name__", "m", "s", "0"), 2000, 1);
            app.commit();
            assertThat(follow(db.walWatchable(), start)).containsExactly("0@1000", "1@1000", "2@1000", "0@2000");
        }
    }

    @Test
    void truncationForgetsSeriesWithoutRecentSamplesAndKeepsTheRest() throws Exception {
        try (AgentDb db = AgentDb.open(options())) {
            long now = 10 * 3_600_000L;
            Appender app = db.appender();
            app.append(0, Labels.of("__name__", "old", "s", "x"), now - 5 * 3_600_000L, 1);
            app.append(0, Labels.of("__name__", "new", "s", "y"), now - 60_000L, 1);
            app.commit();
            db.truncate(now);
            assertThat(db.numSeries()).isEqualTo(1);
            assertThat(follow(db.walWatchable(), db.walWatchable().oldest())).isEmpty();
            app.append(0, Labels.of("__name__", "new", "s", "y"), now, 2);
            app.commit();
            List<String> seen = follow(db.walWatchable(), db.walWatchable().oldest());
            assertThat(seen).containsExactly("y@" + now);
        }
    }

    @Test
    void agentFlagsAreParsedAndBadOnesNamed() throws Exception {
        Map<String, String> props = new HashMap<>(Map.of("promethium.flag.storage.agent.path", dir.toString(),
                "promethium.flag.storage.agent.retention.max-time", "1h"));
        AgentDb.Options o = AgentFlags.parse(props::get);
        assertThat(o.maxTime()).isEqualTo(Duration.ofHours(1));
        assertThat(o.path()).isEqualTo(dir);
        props.put("promethium.flag.storage.agent.retention.min-time", "2h");
        assertThatThrownBy(() -> AgentFlags.parse(props::get)).hasMessageContaining("--storage.agent.retention.min-time");
        props.remove("promethium.flag.storage.agent.retention.min-time");
        assertThat(o.walCompression()).isEqualTo(WalCompression.SNAPPY);
        props.put("promethium.flag.storage.agent.wal-compression", "false");
        assertThat(AgentFlags.parse(props::get).walCompression()).isEqualTo(WalCompression.NONE);
        props.put("promethium.flag.storage.agent.wal-compression", "yes");
        assertThatThrownBy(() -> AgentFlags.parse(props::get)).hasMessageContaining("--storage.agent.wal-compression");
    }
}
