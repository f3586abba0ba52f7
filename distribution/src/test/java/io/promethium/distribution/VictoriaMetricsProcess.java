package io.promethium.distribution;

import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real VictoriaMetrics single-node server (Debian's {@code victoria-metrics}) on loopback with
 * its own data folder; it can be stopped and started again on the same port and data (outages).
 */
final class VictoriaMetricsProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Path home;
    final int port;
    private final Path binary;
    private Process process;

    private VictoriaMetricsProcess(Path binary, Path home, int port) {
        this.binary = binary;
        this.home = home;
        this.port = port;
    }

    static VictoriaMetricsProcess start() throws IOException {
        Path binary = Peers.require("victoria-metrics");
        VictoriaMetricsProcess vm = new VictoriaMetricsProcess(binary, Files.createTempDirectory("victoria-it-"), ServerProcess.freePort());
        vm.startAgain();
        return vm;
    }

    /** Starts (again) on the same port and data folder; returns once it answers. */
    void startAgain() throws IOException {
        List<String> command = List.of(binary.toString(), "-storageDataPath=" + home.resolve("data"),
                "-httpListenAddr=127.0.0.1:" + port, "-retentionPeriod=100y",
                // Answer with what was just written: no latency offset, no response cache.
                "-search.latencyOffset=0s", "-search.disableCache", "-search.cacheTimestampOffset=0s");
        process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("vm.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("victoria-metrics exited: " + log());
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(uri("/health")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            ServerProcess.sleep(200);
        }
        throw new IllegalStateException("victoria-metrics did not get ready: " + log());
    }

    /** Stops the server (SIGTERM, it flushes), keeping its data. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    String log() {
        try {
            return Files.readString(home.resolve("vm.log"));
        } catch (IOException e) {
            return "<no log: " + e + ">";
        }
    }

    @Override
    public void close() throws IOException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ServerProcess.deleteTree(home);
    }
}
