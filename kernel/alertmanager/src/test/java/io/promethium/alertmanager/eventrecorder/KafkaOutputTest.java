package io.promethium.alertmanager.eventrecorder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import io.promethium.alertmanager.eventrecorder.pb.Event;
import io.promethium.alertmanager.eventrecorder.pb.NotifyReason;
import io.promethium.alertmanager.runtime.AlertmanagerRuntime;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.notifiers.webhook.WebhookNotifierFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kafka_outputs} against a real Kafka broker: Apache Kafka's own KRaft server (one combined
 * broker and controller, {@code KafkaClusterTestKit} from the test-scope Maven artifact
 * {@code org.apache.kafka:kafka-test-common-runtime}) in the test JVM, listening on localhost.
 * The runtime posts alerts to a webhook receiver and records events to a JSON topic and a
 * protobuf topic; a consumer reads both back. Being a Maven artifact, the broker is always there:
 * if it cannot start the test fails, it is never skipped.
 */
class KafkaOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 3;
    /** Held so that the level stays set: the broker's and clients' INFO lines would bury the test's output. */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("org.apache.kafka"), Logger.getLogger("kafka"),
            Logger.getLogger("state.change.logger"));
    private static KafkaClusterTestKit cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        QUIET.forEach(l -> l.setLevel(Level.WARNING));
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                .setNumControllerNodes(1).build()).build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            // Several partitions, so that the record key's choice of partition shows.
            admin.createTopics(List.of(new NewTopic("am-json", PARTITIONS, (short) 1), new NewTopic("am-proto", PARTITIONS, (short) 1)))
                    .all().get();
        }
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int atLeast, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // Every partition from the start, without a consumer group's rebalance delay.
            List<TopicPartition> partitions = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) {
                partitions.add(new TopicPartition(topic, i));
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < atLeast && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static String kind(JsonNode event) {
        return event.path("data").fieldNames().next();
    }

    @Test
    void eventsAreProducedAsJsonAndProtobufKeyedByInstance() throws Exception {
        RecordingHttpServer receiver = RecordingHttpServer.http();
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(file, """
                route:
                  receiver: hook
                  group_by: [alertname]
                  group_wait: 100ms
                  group_interval: 300ms
                  repeat_interval: 1h
                receivers:
                  - name: hook
                    webhook_configs:
                      - url: %s
                event_recorder:
                  kafka_outputs:
                    - brokers: [%s]
                      topic: am-json
                    - brokers: [%2$s]
                      topic: am-proto
                      format: protobuf
                      acks: all
                      compression: lz4
                """.formatted(receiver.url("/hook"), cluster.bootstrapServers()));
        AlertmanagerRuntime rt = new AlertmanagerRuntime(file, dir.resolve("data"), Duration.ofHours(1), "", Clock.systemUTC());
        Alert a = new Alert(Labels.of("alertname", "Load", "instance", "a"), Labels.of("summary", "high"), Instant.now(),
                Instant.now().plusSeconds(300), "");
        Map<String, Double> metrics;
        try {
            rt.addFactory(new WebhookNotifierFactory());
            rt.reload();
            rt.receive(List.of(a));
            assertThat(receiver.await(1, Duration.ofSeconds(10))).hasSize(1);
            Thread.sleep(100);
            assertThat(rt.events().drain(5000)).isTrue();
        } finally {
            // Closing flushes the producers: every event is on the broker afterwards.
            rt.close();
            receiver.close();
        }

        // startup, alertCreated, alertGrouped, notification, shutdown
        List<ConsumerRecord<byte[], byte[]>> json = consume("am-json", 5, Duration.ofSeconds(10));
        List<ConsumerRecord<byte[], byte[]>> proto = consume("am-proto", 5, Duration.ofSeconds(10));
        assertThat(json).hasSize(5);
        assertThat(proto).hasSize(5);

        // The key is the instance; Kafka's murmur2 of the key picks one partition for all of them.
        byte[] key = json.get(0).key();
        assertThat(new String(key, StandardCharsets.UTF_8)).isNotEmpty();
        int partition = Utils.toPositive(Utils.murmur2(key)) % PARTITIONS;
        for (ConsumerRecord<byte[], byte[]> r : json) {
            assertThat(r.key()).isEqualTo(key);
            assertThat(r.partition()).isEqualTo(partition);
        }

        List<JsonNode> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : json) {
            events.add(JSON.readTree(r.value()));
        }
        assertThat(events).extracting(KafkaOutputTest::kind).containsExactly("alertmanagerStartupEvent", "alertCreated", "alertGrouped",
                "notification", "alertmanagerShutdownEvent");
        JsonNode created = events.get(1).path("data").path("alertCreated").path("alert");
        assertThat(created.path("name").asText()).isEqualTo("Load");
        assertThat(created.path("fingerprint").asText()).isEqualTo(Long.toUnsignedString(Alert.fingerprint(a.labels())));
        assertThat(events.get(1).path("instance").asText()).isEqualTo(new String(key, StandardCharsets.UTF_8));

        // The protobuf records decode with the generated classes to the same events as the JSON ones.
        List<Event> decoded = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : proto) {
            assertThat(r.key()).isEqualTo(key);
            decoded.add(Event.parseFrom(r.value()));
        }
        Event notification = decoded.get(3);
        assertThat(notification.getData().hasNotification()).isTrue();
        assertThat(notification.getData().getNotification().getReason()).isEqualTo(NotifyReason.NOTIFY_REASON_FIRST_NOTIFICATION);
        assertThat(notification.getData().getNotification().getFiringAlerts(0).getHash()).isEqualTo(Events.hash(a.labels()));
        assertThat(notification.getData().getNotification().getGroupInfo().getReceiverName()).isEqualTo("hook");
        assertThat(decoded.get(1).getData().getAlertCreated().getAlert().getLabels().getLabelsList())
                .extracting(l -> l.getKey() + "=" + l.getValue()).containsExactly("alertname=Load", "instance=a");
        for (int i = 0; i < 5; i++) {
            JsonNode fromProto = JSON.readTree(JsonFormat.printer().print(decoded.get(i)));
            assertThat(fromProto).isEqualTo(events.get(i));
        }
    }
}
