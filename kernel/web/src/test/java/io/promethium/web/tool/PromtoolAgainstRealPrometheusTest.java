package io.promethium.web.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promethium.testsupport.Peers;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query and status commands against a real Prometheus (the Debian package, on loopback,
 * scraping itself): the same output as the installed promtool on the same queries.
 */
class PromtoolAgainstRealPrometheusTest {

    Process prometheus;

    @AfterEach
    void stop() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void queriesPrintWhatPromtoolPrints(@TempDir Path dir) throws Exception {
        Path binary = Peers.require("prometheus");
        Peers.require("promtool");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port;
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global: {scrape_interval: 1s}
                scrape_configs: [{job_name: self, static_configs: [{targets: ['127.0.0.1:%d']}]}]
                """.formatted(port));
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.path=" + dir.resolve("data")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        PromtoolClientCommandsTest.Result ready;
        do {
            Thread.sleep(200);
            ready = PromtoolClientCommandsTest.run(new CheckServerStatusCommand.Ready(), "--url=" + url);
        } while (ready.code() != 0 && System.nanoTime() < deadline);
        assertEquals(new PromtoolClientCommandsTest.Result(0, "", "  SUCCESS:  Prometheus Server is Ready.\n\n"), ready);
        // Wait for two scrapes, so that the range query has points.
        String time;
        do {
            Thread.sleep(500);
            time = Long.toString(System.currentTimeMillis() / 1000);
        } while (PromtoolClientCommandsTest.run(new QueryCommand.Instant(), url, "count_over_time(up[10s]) >= 2", "--time=" + time)
                .out().isBlank() && System.nanoTime() < deadline);
        String start = Long.toString(Long.parseLong(time) - 3);
        assertSame(new QueryCommand.Instant(), new String[] {url, "up", "--time=" + time}, "query", "instant");
        assertSame(new QueryCommand.Instant(), new String[] {"-o", "json", url, "up", "--time=" + time}, "query", "instant");
        assertSame(new QueryCommand.Instant(), new String[] {url, "sum(", "--time=" + time}, "query", "instant");
        assertSame(new QueryCommand.Range(), new String[] {url, "up", "--start=" + start, "--end=" + time, "--step=1s"}, "query", "range");
        assertSame(new QueryCommand.Series(), new String[] {url, "--match=up"}, "query", "series");
        assertSame(new QueryCommand.Labels(), new String[] {url, "job"}, "query", "labels");
    }

    private static void assertSame(io.promethium.api.tool.Tool ours, String[] args, String... promtoolCommand) throws Exception {
        String[] all = new String[promtoolCommand.length + args.length];
        System.arraycopy(promtoolCommand, 0, all, 0, promtoolCommand.length);
        System.arraycopy(args, 0, all, promtoolCommand.length, args.length);
        PromtoolClientCommandsTest.Result expected = PromtoolClientCommandsTest.promtool(all);
        assertTrue(expected.code() != 0 || !expected.out().isBlank(), "promtool printed nothing: " + expected);
        assertEquals(expected, PromtoolClientCommandsTest.run(ours, args), String.join(" ", all));
    }
}
