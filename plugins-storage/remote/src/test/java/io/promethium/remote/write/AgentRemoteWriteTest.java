package io.promethium.remote.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.WalCompression;
import io.promethium.tsdb.agent.AgentDb;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agent mode: what the agent's WAL keeps besides floats reaches the remote write receiver. */
class AgentRemoteWriteTest {
    @TempDir
    Path dir;

    @Test
    void exemplarsAppendedInAgentModeAreRemoteWrittenAndCountedAsAppended() throws Exception {
        try (TestReceiver receiver = new TestReceiver();
             AgentDb agent = AgentDb.open(new AgentDb.Options(dir, 1 << 20, Duration.ofHours(2), Duration.ofMinutes(5),
                     Duration.ofHours(4), true, WalCompression.SNAPPY))) {
            RemoteWriteSettings s = QueueManagerTest.settings(receiver.url(), Map.of("name", "agent", "send_exemplars", true));
            QueueManager q = new QueueManager(s, agent.walWatchable(), new HttpSender(s, "test"), List::of, 1000);
            q.start();
            try {
                Labels l = Labels.of("__name__", "http_requests_total", "s", "1");
                Appender app = agent.appender();
                long ref = app.append(0, l, 1000, 1);
                app.appendExemplar(ref, l, new Exemplar(Labels.of("trace_id", "abc"), 0.5, 1000, true));
                app.updateMetadata(ref, l, new Metadata(MetricType.COUNTER, "Requests.", ""));
                app.commit();
                // What the queue sizes its shards by: the newest timestamp, and the sample and exemplar committed.
                assertThat(agent.walWatchable().appended()).isEqualTo(new io.promethium.api.storage.AppendTotals(1000, 2));
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while ((receiver.exemplars.size() < 1 || receiver.samples.size() < 1) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Labels sent = Labels.of("__name__", "http_requests_total", "replica", "a", "s", "1");
                assertThat(receiver.exemplars).containsExactly(sent + " " + Labels.of("trace_id", "abc") + " 0.5@1000");
                assertThat(receiver.samples).hasSize(1);
            } finally {
                q.close();
            }
        }
    }
}
