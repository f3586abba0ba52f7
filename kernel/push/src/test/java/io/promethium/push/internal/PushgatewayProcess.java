package io.promethium.push.internal;

import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/** The real Pushgateway (Debian {@code prometheus-pushgateway}) on a free loopback port with its own persistence file. */
final class PushgatewayProcess implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private final Process process;
    final String url;
    final int port;

    PushgatewayProcess(Path dir) throws Exception {
        Path program = Peers.require("prometheus-pushgateway");
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        url = "http://127.0.0.1:" + port;
        Path log = dir.resolve("pushgateway.log");
        process = new ProcessBuilder(program.toString(), "--web.listen-address=127.0.0.1:" + port,
                "--persistence.file=" + dir.resolve("pushgateway.data"), "--web.enable-admin-api", "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("the Pushgateway did not start: " + Files.readString(log));
            }
            Thread.sleep(50);
        }
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The Pushgateway's {@code /metrics} without its own families. */
    String page() throws IOException, InterruptedException {
        return get("/metrics").body();
    }

    /**
     * A page reduced to the pushed families, push times as {@code 0} or {@code T}, clients'
     * {@code _created} values as {@code C}, and without the
     * HELP lines of the families in {@code helpConflicts} (the Pushgateway picks one at random).
     */
    static String normalize(String page, Set<String> helpConflicts) {
        StringBuilder sb = new StringBuilder();
        boolean keep = true;
        for (String line : page.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String family = line.split(" ")[2];
                keep = !(family.startsWith("go_") || family.startsWith("process_") || family.startsWith("pushgateway_")
                        || family.startsWith("promhttp_"));
                if (line.startsWith("# HELP ") && helpConflicts.contains(family)) {
                    continue;
                }
            }
            if (!keep) {
                continue;
            }
            if (line.startsWith("push_time_seconds") || line.startsWith("push_failure_time_seconds")) {
                int space = line.lastIndexOf(' ');
                line = line.substring(0, space) + (line.substring(space + 1).equals("0") ? " 0" : " T");
            } else if (!line.startsWith("#") && line.split("[{ ]", 2)[0].endsWith("_created")) {
                // A client's creation times differ between two client runs.
                line = line.substring(0, line.lastIndexOf(' ')) + " C";
            }
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
