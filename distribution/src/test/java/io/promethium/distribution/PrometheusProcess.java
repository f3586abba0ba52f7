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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Prometheus (the Debian package {@code prometheus}, found by {@link Peers}) on loopback with its own
 * data folder and config, for differential and peer tests.
 */
final class PrometheusProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Path home;
    final int port;
    private final Process process;

    private PrometheusProcess(Path home, int port, Process process) {
        this.home = home;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts Prometheus; {@code PROMETHEUS_PORT} in the config is replaced by its own port. A
     * missing binary fails the test under CI and skips it otherwise ({@link Peers#require}).
     */
    static PrometheusProcess start(String configYaml, String... flags) throws IOException {
        Path binary = Peers.require("prometheus");
        Path home = Files.createTempDirectory("prometheus-it-");
        int port = ServerProcess.freePort();
        Files.writeString(home.resolve("prometheus.yml"), configYaml.replace("PROMETHEUS_PORT", Integer.toString(port)));
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--config.file=" + home.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + home.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port));
        command.addAll(List.of(flags));
        Process p = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(home.resolve("prometheus.log").toFile()).start();
        PrometheusProcess prometheus = new PrometheusProcess(home, port, p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("prometheus exited: " + prometheus.log());
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(prometheus.uri("/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return prometheus;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            ServerProcess.sleep(200);
        }
        prometheus.close();
        throw new IllegalStateException("prometheus did not get ready");
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    String log() {
        try {
            return Files.readString(home.resolve("prometheus.log"));
        } catch (IOException e) {
            return "<no log: " + e + ">";
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ServerProcess.deleteTree(home);
    }
}
