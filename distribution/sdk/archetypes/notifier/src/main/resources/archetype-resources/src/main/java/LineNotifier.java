package ${package};

import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifyException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Sends one line per notification, e.g. {@code [FIRING:2] HighLatency (team)}. Sends once: the
 * dispatcher retries what {@link HttpDelivery} says may succeed later (5xx, transport errors, after
 * {@code Retry-After}); any other answer is final.
 */
final class LineNotifier implements Notifier {

    private static final HttpDelivery DELIVERY = HttpDelivery.to("${pluginType}").retrying(429);

    private final URI url;
    private final ConfiguredHttpClient client;

    LineNotifier(URI url, ConfiguredHttpClient client) {
        this.url = url;
        this.client = client;
    }

    /** The text sent for a notification. */
    static String line(Notification notification) {
        Instant now = Instant.now();
        long firing = notification.alerts().stream().filter(a -> !a.resolvedAt(now)).count();
        String status = notification.firing() ? "[FIRING:" + firing + "]" : "[RESOLVED]";
        String name = notification.groupLabels().get("alertname");
        if (name == null || name.isEmpty()) {
            name = notification.alerts().isEmpty() ? "" : nameOf(notification.alerts().get(0));
        }
        return status + " " + name + " (" + notification.receiver() + ")";
    }

    private static String nameOf(Alert alert) {
        String name = alert.labels().get("alertname");
        return name == null ? "" : name;
    }

    @Override
    public void send(Notification notification, Instant deadline) throws NotifyException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(HttpDelivery.timeLeft(deadline))
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(line(notification), StandardCharsets.UTF_8)).build();
        DELIVERY.send(client, request);
    }

    @Override
    public void close() {
        client.close();
    }
}
