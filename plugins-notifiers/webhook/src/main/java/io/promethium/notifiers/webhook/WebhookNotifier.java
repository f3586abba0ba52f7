package io.promethium.notifiers.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.NotifyException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * Posts Alertmanager's webhook message (version 4), field for field: receiver, status, alerts
 * (status, labels, annotations, startsAt, endsAt, generatorURL, fingerprint), groupLabels,
 * commonLabels, commonAnnotations, externalURL, version, groupKey, truncatedAlerts. A 2xx answer
 * is success, a 5xx or an I/O error is retried by the dispatcher, other answers are not. The
 * request goes through the kernel's client for the block's {@code http_config} (credentials,
 * TLS, proxy, redirects).
 */
final class WebhookNotifier implements Notifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private final WebhookNotifierFactory.Settings settings;
    private final ConfiguredHttpClient client;

    WebhookNotifier(WebhookNotifierFactory.Settings settings, ConfiguredHttpClient client) {
        this.settings = settings;
        this.client = client;
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public void send(Notification n, Instant deadline) throws NotifyException {
        URI url = url();
        byte[] body = payload(n, settings.maxAlerts());
        Duration timeout = Duration.between(Instant.now(), deadline);
        if (timeout.isNegative() || timeout.isZero()) {
            throw NotifyException.doNotRetry("deadline passed before sending", null);
        }
        HttpRequest req = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Promethium")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<String> resp;
        try {
            resp = client.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw NotifyException.retryLater("POST " + redact(url) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NotifyException.doNotRetry("interrupted", e);
        }
        int code = resp.statusCode();
        if (code / 100 == 2) {
            return;
        }
        String text = resp.body() == null ? "" : resp.body();
        if (text.length() > 512) {
            text = text.substring(0, 512);
        }
        String message = "unexpected status code " + code + " from " + redact(url) + ": " + text;
        if (code / 100 == 5) {
            Optional<Duration> after = resp.headers().firstValue("Retry-After").flatMap(WebhookNotifier::seconds);
            throw after.isPresent() ? NotifyException.retryAfter(message, after.get()) : NotifyException.retryLater(message, null);
        }
        throw NotifyException.doNotRetry(message, null);
    }

    private static Optional<Duration> seconds(String v) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v.strip())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private URI url() throws NotifyException {
        if (settings.url() != null) {
            return settings.url();
        }
        try {
            String text = Files.readString(settings.urlFile(), StandardCharsets.UTF_8).strip();
            return new URI(text);
        } catch (IOException e) {
            throw NotifyException.retryLater("url_file " + settings.urlFile() + ": " + e.getMessage(), e);
        } catch (java.net.URISyntaxException e) {
            throw NotifyException.retryLater("url_file " + settings.urlFile() + ": not a valid URL", null); // the URL is a secret
        }
    }

    /** The URL's scheme, host and port only, for messages: user info, path and query may hold secrets (the URL is one). */
    private static String redact(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "");
    }

    /** Alertmanager's webhook message, version 4. */
    static byte[] payload(Notification n, long maxAlerts) throws NotifyException {
        List<Alert> alerts = n.alerts();
        long truncated = 0;
        if (maxAlerts > 0 && alerts.size() > maxAlerts) {
            truncated = alerts.size() - maxAlerts;
            alerts = alerts.subList(0, (int) maxAlerts);
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("receiver", n.receiver());
        root.put("status", n.firing() ? "firing" : "resolved");
        ArrayNode list = root.putArray("alerts");
        for (Alert a : alerts) {
            ObjectNode o = list.addObject();
            boolean resolved = a.endsAt() != null;
            o.put("status", resolved ? "resolved" : "firing");
            o.set("labels", labels(a.labels()));
            o.set("annotations", labels(a.annotations()));
            o.put("startsAt", time(a.startsAt()));
            o.put("endsAt", resolved ? time(a.endsAt()) : ZERO_TIME);
            o.put("generatorURL", a.generatorUrl());
            o.put("fingerprint", a.fingerprint());
        }
        root.set("groupLabels", labels(n.groupLabels()));
        root.set("commonLabels", labels(n.commonLabels()));
        root.set("commonAnnotations", labels(n.commonAnnotations()));
        root.put("externalURL", n.externalUrl());
        root.put("version", "4");
        root.put("groupKey", n.groupKey());
        root.put("truncatedAlerts", truncated);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the webhook message: " + e.getMessage(), e);
        }
    }

    private static ObjectNode labels(Labels labels) {
        ObjectNode o = JSON.createObjectNode();
        labels.forEach(o::put);
        return o;
    }

    /** Go's RFC 3339 with nanoseconds, trailing zeros dropped. */
    static String time(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }
}
