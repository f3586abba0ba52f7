package io.promethium.notifiers.opsgenie;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.GroupKeys;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.Runes;
import io.promethium.api.notify.TemplateFields;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alertmanager's Opsgenie requests (alerts API v2, {@code Authorization: GenieKey <key>}): a
 * firing group creates the alert {@code POST v2/alerts} with the group key's hash as alias
 * (Opsgenie de-duplicates on it), message cut to 130 characters, description, details (the
 * common labels, then the configured details), source, responders ({@code teams} split into
 * one {@code team} each, empty ones dropped), tags and actions (comma-separated), note, priority
 * and entity; with {@code update_alerts} it then sets message and description of the existing
 * alert ({@code PUT .../message}, {@code .../description}); a resolved group closes it
 * ({@code POST v2/alerts/<alias>/close?identifierType=alias}). 429 and 5xx are retried.
 */
final class OpsGenieNotifier implements Notifier {

    static final int MAX_MESSAGE_RUNES = 130;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpDelivery DELIVERY = HttpDelivery.to("Opsgenie").retrying(429);

    private final OpsGenieSettings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    OpsGenieNotifier(OpsGenieSettings settings, NotifierContext context, ConfiguredHttpClient client) {
        this.settings = settings;
        this.context = context;
        this.client = client;
    }

    @Override
    public void close() {
        client.close();
    }

    /** One request of a notification: method, URL, JSON body. */
    record Call(String method, URI url, byte[] body) {
    }

    @Override
    public void send(Notification n, Instant deadline) throws NotifyException {
        HttpDelivery.timeLeft(deadline);
        List<Call> calls = calls(n);
        String key = TemplateFields.render(context, "api_key", settings.apiKey().read(), n).strip();
        for (Call call : calls) {
            HttpRequest.Builder b = HttpRequest.newBuilder(call.url()).timeout(HttpDelivery.timeLeft(deadline))
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Promethium")
                    .header("Authorization", "GenieKey " + key)
                    .method(call.method(), HttpRequest.BodyPublishers.ofByteArray(call.body()));
            DELIVERY.send(client, b.build());
        }
    }

    List<Call> calls(Notification n) throws NotifyException {
        String alias = GroupKeys.hash(n.groupKey());
        URI base = settings.apiUrl();
        List<Call> calls = new ArrayList<>();
        if (!n.firing()) {
            ObjectNode close = JSON.createObjectNode();
            close.put("source", render("source", settings.source(), n));
            calls.add(new Call("POST", base.resolve("v2/alerts/" + alias + "/close?identifierType=alias"), bytes(close)));
            return calls;
        }
        String message = render("message", settings.message(), n);
        if (Runes.longerThan(message, MAX_MESSAGE_RUNES)) {
            message = Runes.truncate(message, MAX_MESSAGE_RUNES);
            context.logger().warning("Opsgenie message truncated to " + MAX_MESSAGE_RUNES + " characters");
        }
        String description = render("description", settings.description(), n);
        ObjectNode m = JSON.createObjectNode();
        m.put("alias", alias);
        m.put("message", message);
        putIfNotEmpty(m, "description", description);
        Map<String, String> details = new TreeMap<>();
        for (int i = 0; i < n.commonLabels().size(); i++) {
            details.put(n.commonLabels().name(i), n.commonLabels().value(i));
        }
        for (Map.Entry<String, String> e : settings.details().entrySet()) {
            details.put(e.getKey(), render("details." + e.getKey(), e.getValue(), n));
        }
        ObjectNode d = m.putObject("details");
        details.forEach(d::put);
        m.put("source", render("source", settings.source(), n));
        ArrayNode responders = JSON.createArrayNode();
        for (int i = 0; i < settings.responders().size(); i++) {
            OpsGenieSettings.Responder r = settings.responders().get(i);
            String at = "responders[" + i + "].";
            String id = render(at + "id", r.id(), n);
            String name = render(at + "name", r.name(), n);
            String username = render(at + "username", r.username(), n);
            String type = render(at + "type", r.type(), n);
            if (id.isEmpty() && name.isEmpty() && username.isEmpty() && type.isEmpty()) {
                continue; // filled from labels that this group lacks
            }
            if (type.equals("teams")) {
                for (String team : split(name)) {
                    responders.addObject().put("name", team).put("type", "team");
                }
                continue;
            }
            ObjectNode o = responders.addObject();
            putIfNotEmpty(o, "id", id);
            putIfNotEmpty(o, "name", name);
            putIfNotEmpty(o, "username", username);
            o.put("type", type);
        }
        if (!responders.isEmpty()) {
            m.set("responders", responders);
        }
        List<String> tags = split(render("tags", settings.tags(), n));
        if (!tags.isEmpty()) {
            tags.forEach(m.putArray("tags")::add);
        }
        putIfNotEmpty(m, "note", render("note", settings.note(), n));
        putIfNotEmpty(m, "priority", render("priority", settings.priority(), n));
        putIfNotEmpty(m, "entity", render("entity", settings.entity(), n));
        List<String> actions = split(render("actions", settings.actions(), n));
        if (!actions.isEmpty()) {
            actions.forEach(m.putArray("actions")::add);
        }
        calls.add(new Call("POST", base.resolve("v2/alerts"), bytes(m)));
        if (settings.updateAlerts()) {
            ObjectNode um = JSON.createObjectNode();
            putIfNotEmpty(um, "message", message);
            calls.add(new Call("PUT", base.resolve("v2/alerts/" + alias + "/message?identifierType=alias"), bytes(um)));
            ObjectNode ud = JSON.createObjectNode();
            putIfNotEmpty(ud, "description", description);
            calls.add(new Call("PUT", base.resolve("v2/alerts/" + alias + "/description?identifierType=alias"), bytes(ud)));
        }
        return calls;
    }

    private String render(String field, String text, Notification n) throws NotifyException {
        return TemplateFields.render(context, field, text, n);
    }

    /** Alertmanager's safeSplit: split on commas, blanks dropped (surrounding spaces of the whole trimmed). */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.strip().split(",", -1)) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }

    private static byte[] bytes(ObjectNode o) throws NotifyException {
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the Opsgenie request: " + e.getMessage(), e);
        }
    }

    private static void putIfNotEmpty(ObjectNode o, String name, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(name, value);
        }
    }
}
