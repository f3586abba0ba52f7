package io.promethium.notifiers.xmatters;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.GroupKeys;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifyException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * Posts one event per notification to an xMatters Flow HTTP trigger or inbound integration (the
 * payload is documented in this plugin's README): {@code properties} (rendered, with
 * {@code status} firing/resolved and {@code correlation_id}, the SHA-256 of the group key, so the
 * flow can close on resolve the event it opened on trigger), {@code recipients} as
 * {@code targetName}s, {@code priority}, and the alerts as Alertmanager's webhook gives them.
 * 429 and 5xx are retried (after {@code Retry-After} when given); other non-2xx answers are not.
 * Requests go through the kernel's client for {@code http_config} (TLS, proxy, or its
 * credentials in place of {@code api_key}/{@code basic_auth}).
 */
final class XMattersNotifier implements Notifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final HttpDelivery DELIVERY = HttpDelivery.to("xMatters").retrying(429);

    private final XMattersSettings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    XMattersNotifier(XMattersSettings settings, NotifierContext context, ConfiguredHttpClient client) {
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
        Duration timeout = HttpDelivery.timeLeft(deadline);
        byte[] body = payload(n);
        URI url = settings.url();
        HttpRequest.Builder req = HttpDelivery.jsonPost(url, body, timeout);
        try {
            String key = settings.readApiKey();
            if (key != null) {
                String sep = url.getRawQuery() == null ? "?" : "&";
                url = URI.create(url + sep + "apiKey=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
            } else if (settings.username() != null) {
                String cred = settings.username() + ":" + settings.readPassword();
                req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(cred.getBytes(StandardCharsets.UTF_8)));
            }
        } catch (IOException e) {
            throw NotifyException.retryLater("reading the xMatters credentials: " + e.getMessage(), e);
        }
        DELIVERY.send(client, req.uri(url).build());
    }

    static String correlationId(String groupKey) {
        return GroupKeys.hash(groupKey);
    }

    byte[] payload(Notification n) throws NotifyException {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode props = root.putObject("properties");
        Map<String, String> rendered = new TreeMap<>();
        for (Map.Entry<String, String> e : settings.properties().entrySet()) {
            rendered.put(e.getKey(), context.templates().render(e.getValue(), n));
        }
        rendered.put("status", n.firing() ? "firing" : "resolved");
        rendered.put("correlation_id", correlationId(n.groupKey()));
        rendered.put("receiver", n.receiver());
        rendered.put("external_url", n.externalUrl());
        rendered.forEach(props::put);
        ArrayNode recipients = root.putArray("recipients");
        for (String r : settings.recipients()) {
            recipients.addObject().put("targetName", context.templates().render(r, n));
        }
        root.put("priority", settings.priority());
        root.set("groupLabels", labels(n.groupLabels()));
        root.set("commonLabels", labels(n.commonLabels()));
        root.set("commonAnnotations", labels(n.commonAnnotations()));
        ArrayNode alerts = root.putArray("alerts");
        for (Alert a : n.alerts()) {
            ObjectNode o = alerts.addObject();
            boolean resolved = a.endsAt() != null;
            o.put("status", resolved ? "resolved" : "firing");
            o.set("labels", labels(a.labels()));
            o.set("annotations", labels(a.annotations()));
            o.put("startsAt", DateTimeFormatter.ISO_INSTANT.format(a.startsAt()));
            o.put("endsAt", resolved ? DateTimeFormatter.ISO_INSTANT.format(a.endsAt()) : ZERO_TIME);
            o.put("generatorURL", a.generatorUrl());
            o.put("fingerprint", a.fingerprint());
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the xMatters event: " + e.getMessage(), e);
        }
    }

    private static ObjectNode labels(Labels labels) {
        ObjectNode o = JSON.createObjectNode();
        labels.forEach(o::put);
        return o;
    }
}
