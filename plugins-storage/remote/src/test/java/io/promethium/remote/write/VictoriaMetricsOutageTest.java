package io.promethium.remote.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.testing.CollectedSamples;
import io.promethium.testsupport.Peers;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A remote write queue against the real VictoriaMetrics single-node server (Debian's
 * {@code victoria-metrics}, found by {@link Peers}; under {@code CI=true} a missing one fails)
 * stopped mid-stream and started again: every sample written before, during and after the outage
 * arrives (each timestamp of each series; VictoriaMetrics stores by time, so the order of arrival
 * is not observable there: {@code QueueManagerTest} checks it), and the queue's
 * {@code prometheus_remote_storage_*} metrics tell the story as Prometheus documents them (retried
 * during the outage, pending while it lasts, then sent; failed and dropped stay 0).
 *
 * <p>{@value #SERIES} series for an outage of {@value #OUTAGE_SECONDS} s (the whole test 15–35 s):
 * the queue alone, fed by appends straight into the TSDB. The same outage through scraping on the
 * tarball, and at the full size (100k series for 5 minutes), is {@code distribution}'s
 * {@code ScrapeRemoteWriteOutageIT} and {@code distribution/bench/scrape-remote-write-outage}.
 */
class VictoriaMetricsOutageTest {
    static final int SERIES = 5000;
    static final int OUTAGE_SECONDS = 10;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private Tsdb db;
    private Process vm;
    private Path binary;
    private int port;
    private QueueManager queue;

    @BeforeEach
    void open() throws Exception {
        binary = Peers.require("victoria-metrics");
        db = Tsdb.open(TsdbOptions.defaults(dir.resolve("tsdb")).withCompactionInterval(Duration.ZERO).withWal(true, false));
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        startVm();
    }

    @AfterEach
    void close() throws Exception {
        if (queue != null) {
            queue.close();
        }
        stopVm();
        db.close();
    }

    @Test
    void everySampleWrittenThroughAReceiverOutageArrivesInOrderAndTheMetricsTellTheStory() throws Exception {
        int series = SERIES;
        int outageSeconds = OUTAGE_SECONDS;
        RemoteWriteSettings s = QueueManagerTest.settings("http://127.0.0.1:" + port + "/api/v1/write", Map.of("name", "vm",
                "queue_config", Map.of("batch_send_deadline", "200ms", "min_backoff", "50ms", "max_backoff", "1s")));
        queue = new QueueManager(s, db.walWatchable(), new HttpSender(s, "test"), List::of, 1000);
        queue.start();
        // One "scrape" of every series per second of wall time, timestamps a step apart, as a
        // scrape loop appends them: before, during and after the outage.
        long t0 = System.currentTimeMillis() - 3_600_000L;
        int scrapes = 0;
        for (int i = 0; i < 3; i++) {
            append(series, t0 + scrapes++ * 1000L);
            Thread.sleep(1000);
        }
        long beforeOutage = scrapes;
        await(() -> metric("prometheus_remote_storage_samples_total") >= beforeOutage * series, Duration.ofSeconds(30), "the samples before the outage sent");
        stopVm();
        for (int i = 0; i < outageSeconds; i++) {
            append(series, t0 + scrapes++ * 1000L);
            Thread.sleep(1000);
        }
        Map<String, Double> during = metrics();
        assertThat(during.get("prometheus_remote_storage_samples_retried_total")).as("retried during the outage").isPositive();
        assertThat(during.get("prometheus_remote_storage_samples_pending")).as("pending during the outage").isPositive();
        startVm();
        for (int i = 0; i < 3; i++) {
            append(series, t0 + scrapes++ * 1000L);
            Thread.sleep(200);
        }
        long expected = (long) scrapes * series;
        await(() -> metric("prometheus_remote_storage_samples_total") >= expected
                && metric("prometheus_remote_storage_samples_pending") == 0, Duration.ofSeconds(60 + outageSeconds), "every sample sent");
        Map<String, Double> after = metrics();
        assertThat(after.get("prometheus_remote_storage_samples_failed_total")).isZero();
        assertThat(after.get("prometheus_remote_storage_samples_dropped_total")).isZero();
        assertThat(after.get("prometheus_remote_storage_samples_pending")).isZero();

        // What VictoriaMetrics holds: every timestamp of every series. A request the
        // receiver took just as it stopped may come twice (the protocol's at-least-once): a
        // duplicate is the same timestamp and value, never a missing sample. VictoriaMetrics
        // documents that what it took may stay out of its answers for a few seconds; a flush
        // is asked before each look, and the look repeated for up to 15 s until it holds all.
        Exported got = exportOnceComplete(series, scrapes, Duration.ofSeconds(15));
        long duplicates = 0;
        for (int i = 0; i < series; i++) {
            assertThat(got.distinct[i]).as("samples of series %d", i).isEqualTo(scrapes);
            assertThat(got.first[i]).isEqualTo(t0);
            assertThat(got.last[i]).isEqualTo(t0 + (scrapes - 1) * 1000L);
            duplicates += got.count[i] - got.distinct[i];
        }
        assertThat(duplicates).as("samples sent twice").isLessThanOrEqualTo(s.queue().maxSamplesPerSend() * 50L);
    }

    private void append(int series, long t) {
        Appender app = db.appender();
        for (int i = 0; i < series; i++) {
            app.append(0, Labels.of("__name__", "rw_outage", "s", Integer.toString(i)), t, t / 1000.0 + i);
        }
        app.commit();
    }

    /** The queue's metrics as {@code /metrics} has them, by family, summed over the labels (one queue). */
    private Map<String, Double> metrics() {
        Map<String, Double> out = new HashMap<>();
        CollectedSamples.of(writer -> QueueMetrics.writeQueues(writer, List.of(queue.metrics())))
                .forEach((sample, value) -> out.merge(sample.replaceFirst("\\{.*", ""), value, Double::sum));
        return out;
    }

    private double metric(String name) {
        return metrics().getOrDefault(name, Double.NaN);
    }

    /** Per series (by its {@code s} label): samples, distinct timestamps, first and last, latest. */
    private record Exported(long[] count, long[] distinct, long[] first, long[] last) {
        boolean complete(int samples) {
            for (long d : distinct) {
                if (d != samples) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@link #export} after a flush, again until every series holds {@code samples} timestamps or {@code max} passes. */
    private Exported exportOnceComplete(int series, int samples, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            get("/internal/force_flush");
            Exported got = export(series);
            if (got.complete(samples) || System.nanoTime() > deadline) {
                return got;
            }
            Thread.sleep(250);
        }
    }

    /**
     * What VictoriaMetrics exports ({@code /api/v1/export/csv}: one line a sample, a series'
     * samples together in time order), tallied as it streams.
     */
    private Exported export(int series) throws Exception {
        Exported e = new Exported(new long[series], new long[series], new long[series], new long[series]);
        java.util.Arrays.fill(e.first, -1);
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/export/csv?format=s,__timestamp__:unix_ms&match[]="
                + URLEncoder.encode("{__name__=\"rw_outage\"}", StandardCharsets.UTF_8));
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int comma = line.indexOf(',');
                if (comma <= 0) {
                    continue;
                }
                int i = Integer.parseInt(line.substring(0, comma));
                long t = Long.parseLong(line.substring(comma + 1).strip());
                if (e.count[i]++ == 0) {
                    e.first[i] = t;
                    e.distinct[i] = 1;
                } else if (t != e.last[i]) {
                    e.distinct[i]++;
                }
                e.last[i] = Math.max(e.last[i], t);
            }
        }
        return e;
    }

    private void startVm() throws Exception {
        Path home = dir.resolve("vm");
        java.nio.file.Files.createDirectories(home);
        vm = new ProcessBuilder(binary.toString(), "-storageDataPath=" + home.resolve("data"), "-httpListenAddr=127.0.0.1:" + port,
                "-retentionPeriod=100y", "-search.latencyOffset=0s", "-search.disableCache")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("vm.log").toFile())).start();
        await(() -> {
            try {
                return get("/health") == 200;
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofSeconds(30), "VictoriaMetrics ready (log " + home.resolve("vm.log") + ")");
    }

    /** SIGTERM: VictoriaMetrics flushes what it took and exits, keeping its data. */
    private void stopVm() throws InterruptedException {
        if (vm != null && vm.isAlive()) {
            vm.destroy();
            if (!vm.waitFor(30, TimeUnit.SECONDS)) {
                vm.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private int get(String path) throws IOException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void await(BooleanSupplier condition, Duration max, String what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + max);
            }
            Thread.sleep(50);
        }
    }
}
