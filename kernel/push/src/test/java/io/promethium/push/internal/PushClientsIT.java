package io.promethium.push.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.exporter.pushgateway.Format;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients push to the endpoint unchanged, and the result is what the real Pushgateway shows
 * for the same pushes: the Python client ({@code push_to_gateway}, {@code pushadd_to_gateway},
 * {@code delete_from_gateway}, from Debian's {@code python3-prometheus-client}) and the Java
 * client's Pushgateway module (protobuf and text formats; push, pushAdd, delete).
 */
class PushClientsIT {


    @TempDir
    static Path dir;
    private static PushgatewayProcess pushgateway;

    @BeforeAll
    static void startPushgateway() throws Exception {
        pushgateway = new PushgatewayProcess(dir);
    }

    @AfterAll
    static void stopPushgateway() throws Exception {
        if (pushgateway != null) {
            pushgateway.close();
        }
    }

    private static void python(Path python, String gateway, String action) throws Exception {
        Path script = dir.resolve("push_client.py");
        try (var in = PushClientsIT.class.getResourceAsStream("/push_client.py")) {
            Files.write(script, in.readAllBytes());
        }
        Process p = new ProcessBuilder(python.toString(), script.toString(), gateway, action).redirectErrorStream(true).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(done).as("python client finished").isTrue();
        assertThat(p.exitValue()).as("python client " + action + ": " + out).isZero();
    }

    @Test
    void thePythonClientPushesPushAddsAndDeletes() throws Exception {
        Path python = Peers.requirePythonModule("prometheus_client");
        try (PushServer ours = new PushServer()) {
            python(python, ours.url(), "push");
            python(python, pushgateway.url, "push");
            String page = ours.page();
            assertThat(page).contains("py_records_total{instance=\"host/1\",job=\"py-batch\",kind=\"x\",shard=\"a+b\"} 3")
                    .contains("py_duration_seconds_bucket{instance=\"host/1\",job=\"py-batch\",shard=\"a+b\",le=\"1\"} 1")
                    .contains("py_last_success_unixtime{instance=\"host/1\",job=\"py-batch\",shard=\"a+b\"} 1234.5");
            assertSamePage(ours);
            python(python, ours.url(), "pushadd");
            python(python, pushgateway.url, "pushadd");
            assertThat(ours.page()).contains("py_last_success_unixtime{instance=\"host/1\",job=\"py-batch\",shard=\"a+b\"} 99")
                    .contains("py_records_total{");
            assertSamePage(ours);
            python(python, ours.url(), "delete");
            python(python, pushgateway.url, "delete");
            assertThat(ours.page()).doesNotContain("py-batch");
            assertSamePage(ours);
        }
    }

    @Test
    void theJavaClientPushesInBothFormats() throws Exception {
        for (Format format : Format.values()) {
            try (PushServer ours = new PushServer()) {
                for (String address : new String[] {ours.url(), pushgateway.url}) {
                    javaPush(address.substring("http://".length()), format, true);
                }
                assertThat(ours.page()).as(format.name())
                        .contains("java_jobs_total{instance=\"\",job=\"java-batch\",kind=\"import\",node=\"n/1\"} 7")
                        .contains("java_latency_seconds_bucket{instance=\"\",job=\"java-batch\",node=\"n/1\",le=\"0.5\"} 1")
                        .contains("java_queue_size{instance=\"\",job=\"java-batch\",node=\"n/1\"} 3");
                assertSamePage(ours);
                for (String address : new String[] {ours.url(), pushgateway.url}) {
                    javaPush(address.substring("http://".length()), format, false);
                }
                assertThat(ours.page()).contains("java_queue_size{instance=\"\",job=\"java-batch\",node=\"n/1\"} 5")
                        .contains("java_jobs_total{");
                assertSamePage(ours);
                for (String address : new String[] {ours.url(), pushgateway.url}) {
                    PushGateway.builder().address(address.substring("http://".length())).job("java-batch")
                            .groupingKey("node", "n/1").build().delete();
                }
                assertThat(ours.page()).doesNotContain("java-batch");
                assertSamePage(ours);
            }
        }
    }

    private static void javaPush(String address, Format format, boolean full) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        Gauge queue = Gauge.builder().name("java_queue_size").help("Queue size.").register(registry);
        queue.set(full ? 3 : 5);
        PushGateway.Builder b = PushGateway.builder().address(address).job("java-batch").groupingKey("node", "n/1")
                .format(format).registry(registry);
        if (!full) {
            b.build().pushAdd();
            return;
        }
        Counter.builder().name("java_jobs_total").help("Jobs.").labelNames("kind").register(registry).labelValues("import").inc(7);
        Histogram.builder().name("java_latency_seconds").help("Latency.").classicUpperBounds(0.5, 1).register(registry).observe(0.25);
        Summary.builder().name("java_size_bytes").help("Sizes.").quantile(0.5, 0.01).register(registry).observe(100);
        b.build().push();
    }

    /** The same pushes made the same page as the real Pushgateway's. */
    private static void assertSamePage(PushServer ours) throws Exception {
        assertThat(PushgatewayProcess.normalize(ours.page(), Set.of()))
                .isEqualTo(PushgatewayProcess.normalize(pushgateway.page(), Set.of()));
    }
}
