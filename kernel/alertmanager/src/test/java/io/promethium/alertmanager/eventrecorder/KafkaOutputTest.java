package io.promethium.alertmanager.eventrecorder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.util.JsonFormat;
import io.promethium.alertmanager.config.EventRecorderConfig;
import io.promethium.alertmanager.eventrecorder.pb.Event;
import io.promethium.alertmanager.eventrecorder.pb.NotifyReason;
import io.promethium.alertmanager.runtime.AlertmanagerRuntime;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.notifiers.webhook.WebhookNotifierFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kafka_outputs} against a real Kafka broker: Apache Kafka's own KRaft server (one combined
 * broker and controller, {@code KafkaClusterTestKit} from the test-scope Maven artifact
 * {@code org.apache.kafka:kafka-test-common-runtime}) in the test JVM, listening on localhost.
 * The runtime posts alerts to a webhook receiver and records events to a JSON topic and a
 * protobuf topic; a consumer reads both back. Being a Maven artifact, the broker is always there:
 * if it cannot start the test fails, it is never skipped.
 *
 * <p>The broker listens on a loopback port reserved before it starts, and the first test starts it:
 * records sent before wait for it. Another reserved port, where nothing ever listens, stands for a
 * broker that cannot be reached.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 3;
    /** Held so that the level stays set: the broker's and clients' INFO lines would bury the test's output. */
    private static final List<Logger> QUIET = List.of(Logger.getLogger("org.apache.kafka"), Logger.getLogger("kafka"),
            Logger.getLogger("state.change.logger"));
    private static KafkaClusterTestKit cluster;
    private static String bootstrap;
    private static boolean started;

    @TempDir
    Path dir;

    @BeforeAll
    static void buildBroker() throws Exception {
        QUIET.forEach(l -> l.setLevel(Level.WARNING));
        bootstrap = "localhost:" + freePort();
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                .setNumControllerNodes(1).build())
                // The test kit binds its own listeners' ports when it is built; LATE's is bound when the broker starts.
                .setConfigProp("listeners", "EXTERNAL://localhost:0,CONTROLLER://localhost:0,LATE://" + bootstrap)
                .setConfigProp("listener.security.protocol.map", "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,LATE:PLAINTEXT")
                .build();
        cluster.format();
    }

    /** A loopback port nothing listens on (closed again at once). */
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static synchronized void startBroker() throws Exception {
        if (started) {
            return;
        }
        started = true;
        cluster.startup();
        cluster.waitForReadyBrokers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
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
        return consume(topic, PARTITIONS, atLeast, timeout);
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int partitionCount, int atLeast, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // Every partition from the start, without a consumer group's rebalance delay.
            List<TopicPartition> partitions = new ArrayList<>();
            for (int i = 0; i < partitionCount; i++) {
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

    /** An output of {@code topic} on {@code brokers} as the config block builds it, its drops and errors counted here. */
    private record Output(KafkaOutput output, LongAdder drops, Map<String, LongAdder> errors) {
        Output(String brokers, String topic, int bufferSize) {
            this(brokers, topic, bufferSize, new LongAdder(), new ConcurrentHashMap<>());
        }

        private Output(String brokers, String topic, int bufferSize, LongAdder drops, Map<String, LongAdder> errors) {
            this(new KafkaOutput(new EventRecorderConfig.KafkaOutput(List.of(brokers), topic, "alertmanager",
                    EventRecorderConfig.KafkaFormat.JSON, "leader", "none", bufferSize, null, null), "am-test",
                    new KernelHttpClientFactory(), drops, type -> errors.computeIfAbsent(type, t -> new LongAdder())), drops, errors);
        }

        long errorCount() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }
    }

    @Test
    @Order(1)
    void eventsSentBeforeTheBrokerStartsWaitWithoutBlockingAndArriveInOrder() throws Exception {
        assertThat(started).as("the broker is not up yet").isFalse();
        Output out = new Output(bootstrap, "am-late", EventRecorderConfig.KafkaOutput.DEFAULT_BUFFER_SIZE);
        int n = 300;
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                out.output().send(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(500));
            // Several refused connections and metadata requests: the records wait, none is dropped or failed.
            Thread.sleep(1500);
            assertThat(out.drops().sum()).isZero();
            assertThat(out.errorCount()).isZero();

            startBroker();
            // The topic is created by the producer's metadata request (auto-creation, one partition).
            List<ConsumerRecord<byte[], byte[]>> got = consume("am-late", 1, n, Duration.ofSeconds(20));
            assertThat(got).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, n).mapToObj(i -> "{\"n\":" + i + "}").toList());
        } finally {
            out.output().close();
        }
        assertThat(out.drops().sum()).isZero();
        assertThat(out.errorCount()).isZero();
    }

    @Test
    void recordsBeyondTheBoundAreDroppedAndCountedAndCloseDoesNotWaitForAnUnreachableBroker() throws Exception {
        int over = 50;
        int n = KafkaOutput.MAX_BUFFERED_RECORDS + over;
        // A local queue that holds them all: the drops are the producer side's bound, not the queue's.
        Output out = new Output("localhost:" + freePort(), "am-nowhere", n);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            out.output().send(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (out.drops().sum() < over && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(out.drops().sum()).isEqualTo(over);
        assertThat(out.errorCount()).isZero();

        long c0 = System.nanoTime();
        out.output().close();
        // Kafka's max.block.ms (60 s) or the 30 s flush budget would show here.
        assertThat(Duration.ofNanos(System.nanoTime() - c0)).isLessThan(Duration.ofMillis(KafkaOutput.METADATA_WAIT_MILLIS + 3000));
        // What was held is given up at close and counted as 0.34 counts its client's ErrClientClosed.
        assertThat(out.errors()).containsOnlyKeys("unknown");
        assertThat(out.errors().get("unknown").sum()).isEqualTo(KafkaOutput.MAX_BUFFERED_RECORDS);
        assertThat(out.drops().sum()).isEqualTo(over);
    }

    @Test
    void eventsAreProducedAsJsonAndProtobufKeyedByInstance() throws Exception {
        startBroker();
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
                """.formatted(receiver.url("/hook"), bootstrap));
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
