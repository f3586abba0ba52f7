package io.promethium.scrape.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's targets, run as a separate process so that serving pages does not count in
 * the scraper's CPU time: N loopback HTTP servers, each serving a page of S counter series in
 * families of 100, values increasing on every request. Prints {@code PORTS p1,p2,...} when ready
 * and runs until its standard input closes.
 */
public final class TargetFarm {

    private TargetFarm() {
    }

    public static void main(String[] args) throws IOException {
        int targets = Integer.parseInt(args[0]);
        int series = Integer.parseInt(args[1]);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        List<HttpServer> servers = new ArrayList<>();
        StringBuilder ports = new StringBuilder("PORTS ");
        for (int t = 0; t < targets; t++) {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
            int target = t;
            AtomicLong requests = new AtomicLong();
            server.createContext("/metrics", exchange -> {
                byte[] body = page(target, series, requests.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                exchange.close();
            });
            server.setExecutor(executor);
            server.start();
            servers.add(server);
            ports.append(t == 0 ? "" : ",").append(server.getAddress().getPort());
        }
        System.out.println(ports);
        System.out.flush();
        while (System.in.read() >= 0) {
            // Run until the parent closes our stdin (or dies).
        }
        servers.forEach(s -> s.stop(0));
        executor.shutdownNow();
    }

    static String page(int target, int series, long request) {
        StringBuilder sb = new StringBuilder(series * 96);
        for (int s = 0; s < series; s++) {
            int family = s / 100;
            if (s % 100 == 0) {
                sb.append("# HELP bench_requests_").append(family).append("_total Requests handled, by handler and code.\n");
                sb.append("# TYPE bench_requests_").append(family).append("_total counter\n");
            }
            sb.append("bench_requests_").append(family).append("_total{handler=\"/api/v1/handler_").append(s % 100)
                    .append("\",code=\"200\",target=\"t").append(target).append("\"} ")
                    .append(request * (s + 1)).append('\n');
        }
        return sb.toString();
    }
}
