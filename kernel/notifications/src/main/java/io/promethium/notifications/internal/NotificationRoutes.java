package io.promethium.notifications.internal;

import io.promethium.api.web.HttpExchange;
import io.promethium.goformat.GoStrings;
import io.promethium.api.web.HttpRoutes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Prometheus 3's notification endpoints: {@code GET /api/v1/notifications} (the active ones, in
 * the API's JSON envelope) and {@code GET /api/v1/notifications/live} (Server-Sent Events: the
 * active ones, then every update as {@code data: {json}}). A live request beyond
 * {@code --web.max-notifications-subscribers} is answered 204 No Content, as Prometheus denies it.
 */
public final class NotificationRoutes implements HttpRoutes {

    /** How long a live stream waits for an update before writing a comment line, which finds clients gone. */
    static final long KEEPALIVE_MILLIS = 15_000;

    private final Notifications notifications;
    private volatile boolean closed;

    public NotificationRoutes(Notifications notifications) {
        this.notifications = notifications;
    }

    @Override
    public String pathPrefix() {
        return "/api/v1/notifications";
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        if (!exchange.method().equals("GET")) {
            exchange.responseHeader("Allow", "GET");
            exchange.respond(405, "text/plain; charset=utf-8", "method not allowed\n");
            return;
        }
        switch (exchange.subPath()) {
            case "", "/" -> list(exchange);
            case "/live" -> live(exchange);
            default -> exchange.respond(404, "text/plain; charset=utf-8", "404 page not found\n");
        }
    }

    /** Ends the live streams (the server stops). */
    public void close() {
        closed = true;
    }

    private void list(HttpExchange exchange) throws IOException {
        StringBuilder json = new StringBuilder("{\"status\":\"success\",\"data\":[");
        List<Notifications.Notification> all = notifications.list();
        for (int i = 0; i < all.size(); i++) {
            json.append(i == 0 ? "" : ",").append(json(all.get(i)));
        }
        exchange.respond(200, "application/json", json.append("]}").toString());
    }

    private void live(HttpExchange exchange) throws IOException {
        Notifications.Subscription subscription = notifications.subscribe();
        if (subscription == null) {
            exchange.respond(204, "text/plain; charset=utf-8", "");
            return;
        }
        try (subscription) {
            exchange.status(200);
            exchange.responseHeader("Content-Type", "text/event-stream");
            exchange.responseHeader("Cache-Control", "no-cache");
            exchange.responseHeader("Connection", "keep-alive");
            OutputStream out = exchange.responseBody();
            out.flush();
            while (!closed) {
                Notifications.Notification n = subscription.next(KEEPALIVE_MILLIS);
                String event = n == null ? ":\n\n" : "data: " + json(n) + "\n\n";
                out.write(event.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The client went away: its subscription ends.
        }
    }

    static String json(Notifications.Notification n) {
        // Go's json.Marshal, as Prometheus writes them (HTML characters escaped).
        return "{\"text\":" + GoStrings.json(n.text(), true) + ",\"date\":" + GoStrings.json(n.date().toString(), true)
                + ",\"active\":" + n.active() + "}";
    }
}
