package io.promethium.notifiers.pagerduty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.config.Durations;
import io.promethium.api.notify.GroupKeys;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.Runes;
import io.promethium.api.notify.TemplateRenderer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends Alertmanager's PagerDuty events. v2 ({@code routing_key}): {@code event_action}
 * trigger or resolve, {@code dedup_key} the SHA-256 of the group key (so a group's trigger and
 * resolve pair up), a payload with the summary cut to 1024 characters, source, severity, class,
 * component, group and custom details (dropped with a note when the event exceeds the API's
 * 512 KB), client, client URL, images and links. v1 ({@code service_key}): {@code event_type}
 * and {@code incident_key} with the description cut to 1024 characters. 5xx and the rate limit
 * (429 for v2, 403 for v1) are retried, after {@code Retry-After} when given; other answers are
 * not. Requests go through the kernel's client for {@code http_config} (TLS, proxy, auth).
 */
final class PagerDutyNotifier implements Notifier {

    static final int MAX_SUMMARY_RUNES = 1024;
    static final int MAX_EVENT_BYTES = 512_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The rate limit is 429 for v2 and 403 for v1. */
    private static final HttpDelivery V2 = HttpDelivery.to("PagerDuty").retrying(429).describing(PagerDutyNotifier::details);
    private static final HttpDelivery V1 = HttpDelivery.to("PagerDuty").retrying(403).describing(PagerDutyNotifier::details);

    private final PagerDutySettings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    PagerDutyNotifier(PagerDutySettings settings, NotifierContext context, ConfiguredHttpClient client) {
        this.settings = settings;
        this.context = context;
        this.client = client;
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public void send(Notification n, Instant deadline) throws NotifyException {
        Instant own = settings.timeout().isZero() ? null : Instant.now().plus(settings.timeout());
        if (own != null && own.isBefore(deadline)) {
            deadline = own;
        } else {
            own = null;
        }
        Duration timeout = HttpDelivery.timeLeft(deadline);
        String key;
        try {
            key = settings.readKey();
        } catch (IOException e) {
            throw NotifyException.retryLater("reading the " + (settings.v1() ? "service" : "routing") + " key file: " + e.getMessage(), e);
        }
        byte[] body = settings.v1() ? v1(n, key) : v2(n, key);
        try {
            (settings.v1() ? V1 : V2).send(client, HttpDelivery.jsonPost(settings.url(), body, timeout).build());
        } catch (NotifyException e) {
            if (own != null && e.retryable() && e.statusCode().isEmpty() && !Instant.now().isBefore(own)) {
                // Alertmanager 0.34 names its own timeout as the cause; still retried, as a context deadline is
                throw NotifyException.retryLater(e.getMessage() + ": configured pagerduty timeout reached ("
                        + Durations.format(settings.timeout()) + ")", e);
            }
            throw e;
        }
    }

    /** PagerDuty's error body ({@code status}, {@code message}, {@code errors}) in one line. */
    private static String details(String body) {
        try {
            JsonNode e = JSON.readTree(body);
            if (e != null && e.has("message")) {
                return e.path("status").asText("") + ": " + e.path("message").asText("") + " " + e.path("errors");
            }
        } catch (IOException ignored) {
            // not JSON: shown as text
        }
        return HttpDelivery.cut(body);
    }

    /** Alertmanager's dedup/incident key: the SHA-256 of the group key, in hex. */
    static String hash(String groupKey) {
        return GroupKeys.hash(groupKey);
    }

    private static String truncate(String s, int runes, NotifierContext context, String what) {
        if (Runes.longerThan(s, runes)) {
            context.logger().warning("PagerDuty " + what + " truncated to " + runes + " characters");
        }
        return Runes.truncate(s, runes);
    }

    private Map<String, String> renderedDetails(Notification n) throws NotifyException {
        Map<String, String> out = new TreeMap<>(); // Go's JSON writes map keys sorted
        for (Map.Entry<String, String> e : settings.details().entrySet()) {
            out.put(e.getKey(), context.templates().render(e.getValue(), n));
        }
        return out;
    }

    byte[] v2(Notification n, String routingKey) throws NotifyException {
        TemplateRenderer t = context.templates();
        ObjectNode root = JSON.createObjectNode();
        root.put("routing_key", routingKey);
        root.put("dedup_key", hash(n.groupKey()));
        root.put("event_action", n.firing() ? "trigger" : "resolve");
        ObjectNode payload = root.putObject("payload");
        payload.put("summary", truncate(t.render(settings.description(), n), MAX_SUMMARY_RUNES, context, "summary"));
        payload.put("source", t.render(settings.source(), n));
        payload.put("severity", t.render(settings.severity(), n));
        putIfNotEmpty(payload, "class", t.render(settings.className(), n));
        putIfNotEmpty(payload, "component", t.render(settings.component(), n));
        putIfNotEmpty(payload, "group", t.render(settings.group(), n));
        ObjectNode custom = payload.putObject("custom_details");
        renderedDetails(n).forEach(custom::put);
        putIfNotEmpty(root, "client", t.render(settings.client(), n));
        putIfNotEmpty(root, "client_url", t.render(settings.clientUrl(), n));
        ArrayNode images = JSON.createArrayNode();
        for (PagerDutySettings.Image i : settings.images()) {
            String src = t.render(i.src(), n);
            if (!src.isEmpty()) {
                ObjectNode o = images.addObject();
                o.put("src", src);
                putIfNotEmpty(o, "alt", t.render(i.alt(), n));
                putIfNotEmpty(o, "href", t.render(i.href(), n));
            }
        }
        if (!images.isEmpty()) {
            root.set("images", images);
        }
        ArrayNode links = JSON.createArrayNode();
        for (PagerDutySettings.Link l : settings.links()) {
            String href = t.render(l.href(), n);
            if (!href.isEmpty()) {
                ObjectNode o = links.addObject();
                o.put("href", href);
                putIfNotEmpty(o, "text", t.render(l.text(), n));
            }
        }
        if (!links.isEmpty()) {
            root.set("links", links);
        }
        byte[] body = encode(root);
        if (body.length > MAX_EVENT_BYTES) {
            context.logger().warning("PagerDuty event of " + body.length + " bytes exceeds 512KB: custom details removed");
            payload.putObject("custom_details").put("error",
                    "Custom details have been removed because the original event exceeds the maximum size of 512KB");
            body = encode(root);
        }
        return body;
    }

    byte[] v1(Notification n, String serviceKey) throws NotifyException {
        TemplateRenderer t = context.templates();
        boolean trigger = n.firing();
        ObjectNode root = JSON.createObjectNode();
        root.put("service_key", serviceKey);
        root.put("incident_key", hash(n.groupKey()));
        root.put("event_type", trigger ? "trigger" : "resolve");
        root.put("description", truncate(t.render(settings.description(), n), MAX_SUMMARY_RUNES, context, "description"));
        if (trigger) {
            putIfNotEmpty(root, "client", t.render(settings.client(), n));
            putIfNotEmpty(root, "client_url", t.render(settings.clientUrl(), n));
        }
        ObjectNode details = root.putObject("details");
        renderedDetails(n).forEach(details::put);
        return encode(root);
    }

    private static byte[] encode(ObjectNode root) throws NotifyException {
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the PagerDuty event: " + e.getMessage(), e);
        }
    }

    private static void putIfNotEmpty(ObjectNode o, String name, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(name, value);
        }
    }
}
