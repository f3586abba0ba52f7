package io.promethium.alertmanager.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code event_recorder:} block read as Alertmanager 0.34 reads it (its config.go and the output configs' checks). */
class EventRecorderConfigTest {

    private final AlertmanagerConfigLoader loader = new AlertmanagerConfigLoader(t -> null);

    @TempDir
    Path dir;

    private AlertmanagerConfig load(String eventRecorder) throws Exception {
        Path f = dir.resolve("alertmanager.yml");
        Files.writeString(f, """
                route:
                  receiver: default
                receivers:
                - name: default
                """ + eventRecorder);
        return loader.load(f);
    }

    private String at(int line, int column) {
        return dir.resolve("alertmanager.yml") + ":" + line + ":" + column;
    }

    @Test
    void absentBlockHasNoOutputs() throws Exception {
        assertThat(load("").eventRecorder()).isEqualTo(EventRecorderConfig.NONE);
        assertThat(load("event_recorder:\n").eventRecorder().totalOutputs()).isZero();
    }

    /** 0.34's TestEventRecorderWebhookBatchingConfig: batching on, http_config files resolved against the config's folder. */
    @Test
    void webhookBatchingWithHttpConfigLoads() throws Exception {
        EventRecorderConfig er = load("""
                event_recorder:
                  webhook_outputs:
                  - url: https://stream-id.ingest.cloudflare.com
                    batch: true
                    http_config:
                      authorization:
                        credentials_file: pipeline-token
                """).eventRecorder();
        assertThat(er.webhookOutputs()).hasSize(1);
        EventRecorderConfig.WebhookOutput w = er.webhookOutputs().get(0);
        assertThat(w.batch()).isTrue();
        assertThat(w.batchMaxEvents()).isEqualTo(100);
        assertThat(w.batchMaxBytes()).isEqualTo(1 << 20);
        assertThat(w.batchFlushInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(w.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(w.workers()).isEqualTo(4);
        assertThat(w.maxRetries()).isEqualTo(3);
        assertThat(w.retryBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(w.configDirectory()).isEqualTo(dir.toAbsolutePath());
        assertThat(w.httpConfig().block("authorization").string("credentials_file", null)).isEqualTo("pipeline-token");
    }

    @Test
    void webhookSettingsAreRead() throws Exception {
        EventRecorderConfig.WebhookOutput w = load("""
                event_recorder:
                  webhook_outputs:
                  - url: https://example.com/h
                    timeout: 5s
                    workers: 8
                    max_retries: 5
                    retry_backoff: 250ms
                    batch: true
                    batch_max_events: 200
                    batch_max_bytes: 2097152
                    batch_flush_interval: 500ms
                """).eventRecorder().webhookOutputs().get(0);
        assertThat(w.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(w.workers()).isEqualTo(8);
        assertThat(w.maxRetries()).isEqualTo(5);
        assertThat(w.retryBackoff()).isEqualTo(Duration.ofMillis(250));
        assertThat(w.batchMaxEvents()).isEqualTo(200);
        assertThat(w.batchMaxBytes()).isEqualTo(2097152);
        assertThat(w.batchFlushInterval()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void relativeFilePathIsResolvedAgainstTheConfigFolder() throws Exception {
        EventRecorderConfig er = load("""
                event_recorder:
                  file_outputs:
                  - path: events/am.jsonl
                  - path: /var/log/am.jsonl
                  stdout_outputs:
                  - {}
                """).eventRecorder();
        assertThat(er.fileOutputs()).extracting(EventRecorderConfig.FileOutput::path)
                .containsExactly(dir.toAbsolutePath().resolve("events/am.jsonl"), Path.of("/var/log/am.jsonl"));
        assertThat(er.stdoutOutputs()).isEqualTo(1);
    }

    @Test
    void webhookUrlIsShownAsSecret() throws Exception {
        String shown = load("""
                event_recorder:
                  webhook_outputs:
                  - url: https://user:pw@example.com/hook?token=t
                    http_config:
                      basic_auth: {username: u, password: pw2}
                      http_headers: {X-Token: {secrets: [s3cret]}}
                """).shown();
        assertThat(shown).doesNotContain("example.com").doesNotContain("s3cret").doesNotContain("pw2").contains("url: <secret>");
    }

    @Test
    void sameBlockIsEqualWhereverItIsWritten() throws Exception {
        EventRecorderConfig a = load("""
                event_recorder:
                  webhook_outputs:
                  - url: https://example.com/h
                    http_config: {bearer_token: x}
                """).eventRecorder();
        EventRecorderConfig b = load("""
                # moved down a line
                event_recorder:
                  webhook_outputs:
                  - url: https://example.com/h
                    timeout: 10s
                    http_config: {bearer_token: x}
                """).eventRecorder();
        EventRecorderConfig c = load("""
                event_recorder:
                  webhook_outputs:
                  - url: https://example.com/h
                    http_config: {bearer_token: y}
                """).eventRecorder();
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    private void refused(String block, String message, int line, int column, String field) {
        assertThatThrownBy(() -> load(block)).isInstanceOf(ConfigException.class)
                .hasMessage(at(line, column) + ": " + message)
                .satisfies(e -> {
                    if (field != null) {
                        assertThat(((ConfigException) e).field()).isEqualTo(field);
                        assertThat(((ConfigException) e).location()).isEqualTo(at(line, column));
                    }
                });
    }

    @Test
    void fileOutputWithoutPathIsRefused() {
        refused("event_recorder:\n  file_outputs:\n  - path: ''\n", "event_recorder file output requires a path", 7, 5,
                "event_recorder.file_outputs[0].path");
        refused("event_recorder:\n  file_outputs:\n  - {}\n", "event_recorder file output requires a path", 7, 5,
                "event_recorder.file_outputs[0].path");
    }

    @Test
    void webhookOutputErrorsNameTheirField() {
        refused("event_recorder:\n  webhook_outputs:\n  - timeout: 5s\n", "event_recorder webhook output requires a url", 7, 5,
                "event_recorder.webhook_outputs[0].url");
        refused("event_recorder:\n  webhook_outputs:\n  - url: ftp://example.com/\n", "unsupported scheme \"ftp\" for URL", 7, 5,
                "event_recorder.webhook_outputs[0].url");
        refused("event_recorder:\n  webhook_outputs:\n  - url: <secret>\n", "event_recorder webhook output requires an absolute http(s) url", 7, 5,
                "event_recorder.webhook_outputs[0].url");
        refused("event_recorder:\n  webhook_outputs:\n  - url: https://example.com/h\n    batch_max_events: 200\n",
                "event_recorder webhook batch settings require batch: true", 8, 5, "event_recorder.webhook_outputs[0].batch_max_events");
        refused("event_recorder:\n  webhook_outputs:\n  - url: https://example.com/h\n    batch: true\n    batch_max_bytes: -1\n",
                "event_recorder webhook batch settings cannot be negative", 9, 5, "event_recorder.webhook_outputs[0].batch_max_bytes");
    }

    @Test
    void unknownKeysAreRefusedWhereTheyAre() {
        refused("event_recorder:\n  file_outputs:\n  - path: a\n    rotate: true\n",
                "field rotate not found in event_recorder.file_outputs[0] (known fields: [path])", 8, 5,
                "event_recorder.file_outputs[0].rotate");
        refused("event_recorder:\n  syslog_outputs: []\n", "field syslog_outputs not found in type eventrecorder.Config", 6, 3, null);
        refused("event_recorder:\n  stdout_outputs:\n  - format: json\n",
                "field format not found in event_recorder.stdout_outputs[0] (known fields: [])", 7, 5,
                "event_recorder.stdout_outputs[0].format");
    }

    @Test
    void anEmptyKafkaListIsNoOutput() throws Exception {
        assertThat(load("event_recorder:\n  kafka_outputs: []\n").eventRecorder().totalOutputs()).isZero();
    }

    @Test
    void kafkaOutputsAreRefusedNamingTheKey() {
        refused("event_recorder:\n  kafka_outputs:\n  - brokers: [localhost:9092]\n    topic: am\n",
                "event_recorder: kafka_outputs: not supported by Promethium (it has no Kafka producer); use file_outputs,"
                        + " webhook_outputs or stdout_outputs", 6, 3, "event_recorder.kafka_outputs");
    }
}
