package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.testsupport.Peers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Debian's {@code amtool} (0.25) against the tarball's in-process Alertmanager from the moment
 * {@code /-/ready} answers: {@code /api/v2/alerts} is a route, the rest of {@code /api/v2} a
 * JAX-RS resource served once the REST whiteboard has started after ready. Nothing amtool does
 * right after ready may fail: a request to the resource waits for Jersey instead.
 */
class AmtoolAfterReadyIT {

    @Test
    void amtoolWorksFromTheMomentTheServerIsReady() throws Exception {
        Path amtool = Peers.require("amtool");
        try (ServerProcess server = ServerProcess.prepare()) {
            server.config("global:\n  evaluation_interval: 1s\n");
            Files.writeString(server.home.resolve("conf/alertmanager.yml"), """
                    route:
                      receiver: hook
                      group_by: [alertname]
                    receivers:
                      - name: hook
                    """);
            server.start("--alertmanager.config.file=conf/alertmanager.yml");
            server.await(Duration.ofSeconds(60), () -> server.get("/-/ready").statusCode() == 200, "server ready");
            String url = "--alertmanager.url=" + server.uri("/");

            ServerProcess.Result silence = server.runToCompletion(List.of(amtool.toString(), url, "silence", "add", "alertname=DiskFull",
                    "--comment=maintenance", "--author=ops", "--duration=1h"));
            assertThat(silence.exitCode()).as(silence.output()).isZero();
            String id = silence.output().strip();
            assertThat(id).matches("[0-9a-f-]{36}");
            ServerProcess.Result add = server.runToCompletion(List.of(amtool.toString(), url, "alert", "add", "alertname=CpuHigh",
                    "instance=web1"));
            assertThat(add.exitCode()).as(add.output()).isZero();
            assertThat(amtool(server, amtool, url, "silence", "query", "-q").strip()).isEqualTo(id);
            assertThat(amtool(server, amtool, url, "alert", "query")).contains("CpuHigh");
            assertThat(amtool(server, amtool, url, "config", "show")).contains("receiver: hook");
            assertThat(server.runToCompletion(List.of(amtool.toString(), url, "silence", "expire", id)).exitCode()).isZero();
            assertThat(amtool(server, amtool, url, "silence", "query", "--expired", "-q").strip()).isEqualTo(id);

            HttpResponse<String> unknown = server.get("/api/v2/nothing");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).isEqualTo("404 page not found\n");
            assertThat(server.get("/metrics").body()).as("request metrics of the route and of the resource's mount")
                    .contains("prometheus_http_requests_total{code=\"200\",handler=\"/api/v2/alerts\"}")
                    .contains("prometheus_http_requests_total{code=\"200\",handler=\"/api/v2\"}");
        }
    }

    private static String amtool(ServerProcess server, Path amtool, String url, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(amtool.toString(), url));
        command.addAll(List.of(args));
        ServerProcess.Result r = server.runToCompletion(command);
        assertThat(r.exitCode()).as("amtool %s: %s", List.of(args), r.output()).isZero();
        return r.output();
    }
}
