package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.alertmanager.eventrecorder.pb.Event;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;

/**
 * The event recorder's {@code kafka_outputs} in the assembled server: kafka-clients and its
 * codecs embedded in the alertmanager bundle, loaded by Felix. The broker is Apache Kafka's own
 * KRaft server (one combined broker and controller, {@code KafkaClusterTestKit} from the
 * test-scope artifact {@code kafka-test-common-runtime}) in the test JVM on 127.0.0.1. One output
 * per compression codec (zstd and snappy load their native libraries from inside the bundle and
 * have no Java fallback; lz4 loads its own when it can; gzip is the JDK's) and one in protobuf; an alert posted to {@code /api/v2/alerts} comes back
 * from every topic as an {@code alertCreated} event, decoded by this JVM's consumer (so the
 * server's compressed batches are real ones).
 */
class KafkaEventRecorderIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Held so that the level stays set: the broker's INFO lines would bury the test's output. */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("org.apache.kafka"), Logger.getLogger("kafka"),
            Logger.getLogger("state.change.logger"));
    private static final List<String> CODECS = List.of("zstd", "snappy", "lz4", "gzip");

    @Test
    void anAlertIsRecordedToKafkaWithEveryCodecAndAsProtobuf() throws Exception {
        QUIET.forEach(l -> l.setLevel(Level.WARNING));
        try (KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                .setNumBrokerNodes(1).setNumControllerNodes(1).build()).build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            String brokers = cluster.bootstrapServers();
            List<NewTopic> topics = new ArrayList<>();
            CODECS.forEach(c -> topics.add(new NewTopic("am-" + c, 1, (short) 1)));
            topics.add(new NewTopic("am-proto", 1, (short) 1));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers))) {
                admin.createTopics(topics).all().get();
            }
            StringBuilder outputs = new StringBuilder();
            for (String codec : CODECS) {
                outputs.append("    - brokers: [%s]\n      topic: am-%s\n      compression: %s\n".formatted(brokers, codec, codec));
            }
            outputs.append("    - brokers: [%s]\n      topic: am-proto\n      format: protobuf\n      acks: all\n".formatted(brokers));

            try (ServerProcess server = ServerProcess.prepare()) {
                server.config("global:\n  scrape_interval: 1h\n");
                Files.writeString(server.home.resolve("conf/alertmanager.yml"), """
                        route:
                          receiver: nobody
                          group_wait: 100ms
                        receivers:
                          - name: nobody
                        event_recorder:
                          kafka_outputs:
                        """ + outputs);
                server.start("--alertmanager.config.file=conf/alertmanager.yml").awaitReady();
                HttpResponse<String> posted = server.send(HttpRequest.newBuilder(server.uri("/api/v2/alerts"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("""
                                [{"labels": {"alertname": "KafkaIT", "instance": "a"}, "annotations": {"summary": "through Felix"}}]""")));
                assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);

                for (String codec : CODECS) {
                    List<byte[]> values = consume(brokers, "am-" + codec, v -> v.contains("alertCreated"));
                    JsonNode created = values.stream().map(KafkaEventRecorderIT::json).filter(e -> e.path("data").has("alertCreated"))
                            .findFirst().orElseThrow(() -> new AssertionError("no alertCreated in am-" + codec + "\n" + server.output()));
                    assertThat(created.path("data").path("alertCreated").path("alert").path("name").asText()).as(codec).isEqualTo("KafkaIT");
                    assertThat(values.stream().map(KafkaEventRecorderIT::json)).as(codec)
                            .anyMatch(e -> e.path("data").has("alertmanagerStartupEvent"));
                }
                List<Event> proto = new ArrayList<>();
                for (byte[] v : consume(brokers, "am-proto", v -> v.contains("KafkaIT"))) {
                    proto.add(Event.parseFrom(v));
                }
                assertThat(proto).anySatisfy(e -> assertThat(e.getData().getAlertCreated().getAlert().getLabels().getLabelsList())
                        .extracting(l -> l.getKey() + "=" + l.getValue()).containsExactly("alertname=KafkaIT", "instance=a"));

                String metrics = server.get("/metrics").body();
                assertThat(metrics).contains("alertmanager_events_recorded_total{event_type=\"alert_created\",output=\"kafka:" + brokers
                        + "/am-zstd\",result=\"success\"} 1");
                assertThat(metrics.lines().filter(l -> l.startsWith("alertmanager_event_kafka_produce_errors_total")))
                        .as("no record failed").allMatch(l -> l.endsWith(" 0"));
                assertThat(server.output()).as("no class or native library missing in the bundle")
                        .doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException")
                        .doesNotContain("UnsatisfiedLinkError");
            }
        }
    }

    private static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The topic's records from the start, until one whose value (as Latin-1 text) matches, or 20 s. */
    private static List<byte[]> consume(String brokers, String topic, java.util.function.Predicate<String> until) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        List<byte[]> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // The one partition from the start, without a consumer group's rebalance delay.
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    out.add(r.value());
                    if (until.test(new String(r.value(), java.nio.charset.StandardCharsets.ISO_8859_1))) {
                        return out;
                    }
                }
            }
        }
        return out;
    }
}
