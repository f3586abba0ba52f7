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

    /** 0.34's KafkaOutputConfig: defaults (client_id alertmanager, format json, acks leader, no compression, buffer 1024). */
    @Test
    void kafkaOutputDefaultsAreApplied() throws Exception {
        EventRecorderConfig.KafkaOutput k = load("""
                event_recorder:
                  kafka_outputs:
                  - brokers: [b2:9092, b1:9092]
                    topic: alertmanager-events
                """).eventRecorder().kafkaOutputs().get(0);
        assertThat(k.brokers()).containsExactly("b2:9092", "b1:9092");
        assertThat(k.topic()).isEqualTo("alertmanager-events");
        assertThat(k.clientId()).isEqualTo("alertmanager");
        assertThat(k.format()).isEqualTo(EventRecorderConfig.KafkaFormat.JSON);
        assertThat(k.acks()).isEqualTo("leader");
        assertThat(k.compression()).isEqualTo("none");
        assertThat(k.bufferSize()).isEqualTo(1024);
        assertThat(k.tlsConfig()).isNull();
        assertThat(k.name()).isEqualTo("kafka:b1:9092,b2:9092/alertmanager-events");
    }

    @Test
    void kafkaOutputSettingsAreRead() throws Exception {
        EventRecorderConfig.KafkaOutput k = load("""
                event_recorder:
                  kafka_outputs:
                  - brokers: [b1:9093]
                    topic: t
                    client_id: am-eu
                    format: protobuf
                    acks: all
                    compression: zstd
                    buffer_size: 64
                    tls_config:
                      ca_file: ca.pem
                      key: inline-key
                      cert: inline-cert
                """).eventRecorder().kafkaOutputs().get(0);
        assertThat(k.clientId()).isEqualTo("am-eu");
        assertThat(k.format()).isEqualTo(EventRecorderConfig.KafkaFormat.PROTOBUF);
        assertThat(k.acks()).isEqualTo("all");
        assertThat(k.compression()).isEqualTo("zstd");
        assertThat(k.bufferSize()).isEqualTo(64);
        assertThat(k.tlsConfig().string("ca_file", null)).isEqualTo("ca.pem");
        assertThat(k.configDirectory()).isEqualTo(dir.toAbsolutePath());
    }

    @Test
    void kafkaTlsKeyIsShownAsSecret() throws Exception {
        String shown = load("""
                event_recorder:
                  kafka_outputs:
                  - brokers: [b1:9093]
                    topic: t
                    tls_config: {key: s3cret-key, cert: c}
                """).shown();
        assertThat(shown).doesNotContain("s3cret-key").contains("key: <secret>");
    }

    /** 0.34's equal: broker order does not matter, every other value does. */
    @Test
    void kafkaOutputsAreEqualWithBrokersInAnyOrder() throws Exception {
        EventRecorderConfig a = load("event_recorder:\n  kafka_outputs:\n  - {brokers: [a:1, b:2], topic: t}\n").eventRecorder();
        EventRecorderConfig b = load("event_recorder:\n  kafka_outputs:\n  - {brokers: [b:2, a:1], topic: t, acks: leader}\n").eventRecorder();
        EventRecorderConfig c = load("event_recorder:\n  kafka_outputs:\n  - {brokers: [b:2, a:1], topic: t, acks: all}\n").eventRecorder();
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    /** Each of 0.34's checks (kafka.ClientOptions.Validate, then topic, then format), its message, the field and where it is. */
    @Test
    void kafkaOutputErrorsNameTheirField() {
        String k = "event_recorder:\n  kafka_outputs:\n  - topic: t\n";
        refused(k, "event_recorder kafka: at least one broker is required", 7, 5, "event_recorder.kafka_outputs[0].brokers");
        refused(k + "    brokers: []\n", "event_recorder kafka: at least one broker is required", 8, 5,
                "event_recorder.kafka_outputs[0].brokers");
        refused(k + "    brokers: ['b:1', '']\n", "event_recorder kafka: broker entries must be non-empty", 8, 5,
                "event_recorder.kafka_outputs[0].brokers");
        refused(k + "    brokers: [b:1]\n    acks: some\n",
                "event_recorder kafka: unknown acks \"some\", must be \"none\", \"leader\", or \"all\"", 9, 5,
                "event_recorder.kafka_outputs[0].acks");
        refused(k + "    brokers: [b:1]\n    compression: brotli\n", "event_recorder kafka: unknown compression \"brotli\"", 9, 5,
                "event_recorder.kafka_outputs[0].compression");
        refused("event_recorder:\n  kafka_outputs:\n  - brokers: [b:1]\n", "event_recorder kafka output requires a topic", 7, 5,
                "event_recorder.kafka_outputs[0].topic");
        refused(k + "    brokers: [b:1]\n    format: avro\n",
                "event_recorder kafka: unknown format \"avro\", must be \"json\" or \"protobuf\"", 9, 5,
                "event_recorder.kafka_outputs[0].format");
        refused(k + "    brokers: b:1\n", "brokers: expected a list of strings, got string b:1", 8, 5,
                "event_recorder.kafka_outputs[0].brokers");
        refused(k + "    brokers: [b:1]\n    buffer_size: big\n", "buffer_size: expected an integer, got string big", 9, 5,
                "event_recorder.kafka_outputs[0].buffer_size");
        refused(k + "    brokers: [b:1]\n    sasl: {mechanism: PLAIN}\n",
                "field sasl not found in event_recorder.kafka_outputs[0] (known fields: [acks, brokers, buffer_size, client_id,"
                        + " compression, format, tls_config, topic])", 9, 5, "event_recorder.kafka_outputs[0].sasl");
    }

    @Test
    void kafkaTlsConfigIsCheckedAsEveryTlsConfig() {
        assertThatThrownBy(() -> load("""
                event_recorder:
                  kafka_outputs:
                  - brokers: [b:1]
                    topic: t
                    tls_config: {ca: x, ca_file: y}
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("ca")
                .satisfies(e -> assertThat(((ConfigException) e).field()).startsWith("event_recorder.kafka_outputs[0].tls_config"));
    }
}
