package io.promethium.alertmanager.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback webhook receiver that records every message with its arrival time; can be told to fail. */
public final class WebhookRecorder implements AutoCloseable {

    /** One received message. */
    public record Received(Instant at, String path, JsonNode body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile long hangMillis;

    public WebhookRecorder() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (hangMillis > 0 && ex.getRequestURI().getPath().contains("hang")) {
                try {
                    Thread.sleep(hangMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                ex.sendResponseHeaders(503, -1);
                ex.close();
                return;
            }
            synchronized (received) {
                received.add(new Received(Instant.now(), ex.getRequestURI().getPath(), JSON.readTree(body)));
                received.notifyAll();
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public void failNext(int n) {
        failNext.set(n);
    }

    public void hang(Duration d) {
        hangMillis = d.toMillis();
    }

    public List<Received> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    /** Waits until at least {@code n} messages arrived or the timeout passed; returns them. */
    public List<Received> await(int n, Duration timeout) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        synchronized (received) {
            while (received.size() < n) {
                long left = Duration.between(Instant.now(), end).toMillis();
                if (left <= 0) {
                    break;
                }
                received.wait(left);
            }
            return new ArrayList<>(received);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
