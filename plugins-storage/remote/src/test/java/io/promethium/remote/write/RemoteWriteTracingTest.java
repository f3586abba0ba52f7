package io.promethium.remote.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.MetadataSource;
import io.promethium.api.testing.RecordingTracer;
import io.promethium.api.trace.Tracer;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote write's spans, as Prometheus's queue manager and client make them: {@code Remote Send
 * Batch} per try of a batch > {@code Remote Store} > {@code HTTP POST}, whose {@code traceparent}
 * reaches the receiver. The tracer is {@link RecordingTracer}, a test implementation of the
 * api interface.
 */
class RemoteWriteTracingTest {
    @TempDir
    Path dir;

    private Tsdb db;
    private TestReceiver receiver;
    private QueueManager queue;
    private final RecordingTracer tracer = new RecordingTracer();

    @BeforeEach
    void open() throws Exception {
        db = Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO).withWal(true, false));
        receiver = new TestReceiver();
    }

    @AfterEach
    void close() {
        if (queue != null) {
            queue.close();
        }
        receiver.close();
        db.close();
    }

    private QueueManager start(Tracer t) throws Exception {
        RemoteWriteSettings s = QueueManagerTest.settings(receiver.url(), Map.of("name", "traced"));
        queue = new QueueManager(s, db.walWatchable(), new HttpSender(s, "test"), List::of, 1000, () -> t);
        queue.start();
        return queue;
    }

    private void append(int series, long t) {
        Appender app = db.appender();
        for (int s = 0; s < series; s++) {
            app.append(0, Labels.of("__name__", "m", "s", Integer.toString(s)), t, s);
        }
        app.commit();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20s");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void eachBatchIsASendBatchSpanWithItsCountsAndTheReceiverGetsTheHttpSpansTraceparent() throws Exception {
        QueueManager q = start(tracer);
        append(30, 1000);
        await(() -> q.metrics().samplesSent.sum() == 30);
        await(() -> !tracer.named("Remote Send Batch").isEmpty());

        List<RecordingTracer.Recorded> batches = tracer.named("Remote Send Batch");
        assertThat(batches.stream().mapToLong(b -> (Long) b.attributes().get("samples")).sum()).isEqualTo(30);
        RecordingTracer.Recorded batch = batches.get(0);
        assertThat(batch.parentId()).isNull();
        assertThat(batch.client()).isFalse();
        assertThat(batch.error()).isNull();
        assertThat(batch.attributes()).containsEntry("try", 0L).containsEntry("remote_name", "traced")
                .containsEntry("remote_url", receiver.url()).doesNotContainKeys("exemplars", "histograms");
        assertThat((Long) batch.attributes().get("request_size")).isPositive();

        RecordingTracer.Recorded store = tracer.named("Remote Store").stream()
                .filter(s -> batch.spanId().equals(s.parentId())).findFirst().orElseThrow();
        assertThat(store.client()).isTrue();
        RecordingTracer.Recorded http = tracer.named("HTTP POST").stream()
                .filter(s -> store.spanId().equals(s.parentId())).findFirst().orElseThrow();
        assertThat(http.client()).isTrue();
        assertThat(http.attributes()).containsEntry("http.request.method", "POST").containsEntry("url.full", receiver.url())
                .containsEntry("server.address", "127.0.0.1").containsEntry("http.response.status_code", 204L);
        String arrived = receiver.headers.get("traceparent");
        assertThat(arrived).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(tracer.named("HTTP POST")).extracting(RecordingTracer.Recorded::traceparent).contains(arrived);
    }

    @Test
    void aFailedTryIsASpanWithTheReceiversErrorAndTheRetryCountsItsTry() throws Exception {
        receiver.mode.set(TestReceiver.Mode.STATUS);
        QueueManager q = start(tracer);
        append(5, 1000);
        await(() -> receiver.requests.get() >= 2);
        receiver.mode.set(TestReceiver.Mode.OK);
        await(() -> q.metrics().samplesSent.sum() == 5);
        await(() -> tracer.named("Remote Send Batch").stream().anyMatch(b -> b.error() == null));

        List<RecordingTracer.Recorded> batches = tracer.named("Remote Send Batch");
        assertThat(batches.get(0).attributes()).containsEntry("try", 0L).containsEntry("samples", 5L);
        assertThat(batches.get(0).error()).isEqualTo("server returned HTTP status 503: refused on purpose");
        assertThat(batches.get(1).attributes()).containsEntry("try", 1L);
        RecordingTracer.Recorded ok = batches.stream().filter(b -> b.error() == null).findFirst().orElseThrow();
        assertThat((Long) ok.attributes().get("try")).isPositive();
        assertThat(tracer.named("HTTP POST")).anySatisfy(h -> {
            assertThat(h.attributes()).containsEntry("http.response.status_code", 503L);
            assertThat(h.error()).startsWith("server returned HTTP status 503");
        });
    }

    @Test
    void aMetadataBatchIsAMetadataSendBatchSpan() throws Exception {
        RemoteWriteSettings s = QueueManagerTest.settings(receiver.url(), Map.of("name", "traced",
                "metadata_config", Map.of("send_interval", "1s")));
        List<MetadataSource.FamilyMetadata> families = List.of(
                new MetadataSource.FamilyMetadata("http_requests", new Metadata(MetricType.COUNTER, "Requests.", "")),
                new MetadataSource.FamilyMetadata("temp", new Metadata(MetricType.GAUGE, "Temperature.", "celsius")));
        queue = new QueueManager(s, db.walWatchable(), new HttpSender(s, "test"), () -> families, 1000, () -> tracer);
        queue.start();
        await(() -> !tracer.named("Remote Metadata Send Batch").isEmpty());
        RecordingTracer.Recorded batch = tracer.named("Remote Metadata Send Batch").get(0);
        assertThat(batch.attributes()).containsEntry("metadata", 2L).containsEntry("try", 0L)
                .containsEntry("remote_name", "traced").containsEntry("remote_url", receiver.url())
                .doesNotContainKey("http.resend_count");
        assertThat(tracer.named("Remote Store")).anyMatch(store -> batch.spanId().equals(store.parentId()));
    }

    @Test
    void withoutATracerNoTraceparentIsSent() throws Exception {
        QueueManager q = start(Tracer.NONE);
        append(3, 1000);
        await(() -> q.metrics().samplesSent.sum() == 3);
        assertThat(receiver.headers).containsKey("content-encoding").doesNotContainKey("traceparent");
    }
}
