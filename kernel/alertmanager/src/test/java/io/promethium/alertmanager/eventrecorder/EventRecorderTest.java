package io.promethium.alertmanager.eventrecorder;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.alertmanager.config.EventRecorderConfig;
import io.promethium.api.testing.CollectedSamples;
import io.promethium.config.http.KernelHttpClientFactory;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder: the event envelope, fan-out to every output, reload, a full queue that drops instead of blocking, metrics. */
class EventRecorderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05.5Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static Map<String, Double> metrics(EventRecorder r) {
        return CollectedSamples.of(r::collect);
    }

    @Test
    void writesTheEnvelopeToEveryOutput() throws Exception {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        Path file = dir.resolve("events.jsonl");
        try (EventRecorder r = new EventRecorder("host-1", new KernelHttpClientFactory(), CLOCK, new PrintStream(stdout, true))) {
            r.record(Events::shutdown);
            assertThat(r.enabled()).isFalse();
            r.apply(new EventRecorderConfig(List.of(new EventRecorderConfig.FileOutput(file)), List.of(), List.of(), 1));
            assertThat(r.enabled()).isTrue();
            r.record(() -> Events.startup("1.0", "(java=21)"));
            assertThat(r.drain(5000)).isTrue();
            String line = Files.readAllLines(file).get(0);
            assertThat(line).isEqualTo("{\"@timestamp\":\"2026-01-02T03:04:05.500Z\",\"instance\":\"host-1\","
                    + "\"data\":{\"alertmanagerStartupEvent\":{\"version\":\"1.0\",\"buildContext\":\"(java=21)\"}}}");
            assertThat(stdout.toString()).isEqualTo(line + "\n");
            Map<String, Double> m = metrics(r);
            assertThat(m).containsEntry("alertmanager_events_recorded_total{event_type=\"alertmanager_startup_event\", output=\"file:"
                    + file.toAbsolutePath() + "\", result=\"success\"}", 1.0);
            assertThat(m).containsEntry("alertmanager_event_recorder_bytes_written_total{event_type=\"alertmanager_startup_event\","
                    + " output=\"stdout\"}", (double) line.length() + 1);
        }
    }

    @Test
    void anEqualConfigKeepsTheOutputsAndAChangedOneReplacesThem() throws Exception {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        try (EventRecorder r = new EventRecorder("h", new KernelHttpClientFactory(), CLOCK, System.out)) {
            r.apply(new EventRecorderConfig(List.of(new EventRecorderConfig.FileOutput(a)), List.of(), List.of(), 0));
            r.record(Events::shutdown);
            r.drain(5000);
            Files.move(a, dir.resolve("a.jsonl.moved"));
            // An equal config: nothing rebuilt (a rebuilt output would create a.jsonl at once).
            r.apply(new EventRecorderConfig(List.of(new EventRecorderConfig.FileOutput(a)), List.of(), List.of(), 0));
            r.apply(new EventRecorderConfig(List.of(new EventRecorderConfig.FileOutput(b)), List.of(), List.of(), 0));
            r.record(Events::shutdown);
            r.drain(5000);
            assertThat(Files.readAllLines(b)).hasSize(1);
            // A config whose file cannot be opened keeps the outputs in force.
            r.apply(new EventRecorderConfig(List.of(new EventRecorderConfig.FileOutput(dir.resolve("no/such/dir/x"))), List.of(), List.of(), 0));
            r.record(Events::shutdown);
            r.drain(5000);
            assertThat(Files.readAllLines(b)).hasSize(2);
        }
    }

    @Test
    void atTheFirstConfigTheOutputsThatCanBeBuiltRun() throws Exception {
        Path ok = dir.resolve("ok.jsonl");
        try (EventRecorder r = new EventRecorder("h", new KernelHttpClientFactory(), CLOCK, System.out)) {
            r.apply(new EventRecorderConfig(List.of(new EventRecorderConfig.FileOutput(dir.resolve("no/such/dir/x")),
                    new EventRecorderConfig.FileOutput(ok)), List.of(), List.of(), 0));
            r.record(Events::shutdown);
            r.drain(5000);
            assertThat(Files.readAllLines(ok)).hasSize(1);
        }
    }

    @Test
    void aBlockedOutputDropsEventsInsteadOfBlockingTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        OutputStream blocking = new OutputStream() {
            @Override
            public void write(int b) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (EventRecorder r = new EventRecorder("h", new KernelHttpClientFactory(), CLOCK, new PrintStream(blocking))) {
            r.apply(new EventRecorderConfig(List.of(), List.of(), List.of(), 1));
            long start = System.nanoTime();
            for (int i = 0; i < EventRecorder.QUEUE_SIZE + 100; i++) {
                r.record(Events::shutdown);
            }
            assertThat((System.nanoTime() - start) / 1_000_000).as("record never waits for the output").isLessThan(5000);
            assertThat(metrics(r).get("alertmanager_events_dropped_total{event_type=\"alertmanager_shutdown_event\"}"))
                    .isGreaterThanOrEqualTo(99.0);
            release.countDown();
        }
    }

    @Test
    void eventTimestampIsTheRecordingTime() throws Exception {
        Path file = dir.resolve("e.jsonl");
        try (EventRecorder r = new EventRecorder("", new KernelHttpClientFactory(), CLOCK, System.out)) {
            r.apply(new EventRecorderConfig(List.of(new EventRecorderConfig.FileOutput(file)), List.of(), List.of(), 0));
            r.record(Events::shutdown);
            r.drain(5000);
        }
        JsonNode e = JSON.readTree(Files.readAllLines(file).get(0));
        assertThat(e.path("@timestamp").asText()).isEqualTo("2026-01-02T03:04:05.500Z");
        assertThat(e.has("instance")).as("an empty instance is proto3's zero value").isFalse();
        assertThat(e.has("clusterPosition")).isFalse();
    }
}
