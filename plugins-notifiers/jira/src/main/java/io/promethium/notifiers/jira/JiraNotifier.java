package io.promethium.notifiers.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alertmanager's Jira flow, one group one issue labelled {@code ALERT{<group key hash>}}:
 * <ol>
 * <li>search ({@code POST <api_url>/search}, or {@code /rest/api/3/search/jql} on Jira Cloud)
 *     for the group's issue: not done, or resolved within {@code reopen_duration} when a
 *     {@code reopen_transition} is set, never one resolved as {@code wont_fix_resolution};</li>
 * <li>none found: a firing group creates it ({@code POST issue}), a resolved one sends nothing;
 *     found: it is updated ({@code PUT issue/<key>}; summary and description only where
 *     {@code enable_update});</li>
 * <li>a firing group reopens a done issue with {@code reopen_transition}, a resolved one closes
 *     an open issue with {@code resolve_transition} (looked up by name:
 *     {@code GET issue/<key>/transitions}, then {@code POST} it).</li>
 * </ol>
 * The issue's fields: {@code project.key}, {@code issuetype.name}, {@code summary} (cut to 255
 * characters), {@code description} (cut to 32767; on API v3 the rendered text must be the JSON
 * of an Atlassian document), {@code labels} (sorted, with the group's), {@code priority.name}
 * when not empty, and the custom {@code fields} (a rendered value that reads as a number, a
 * boolean, null or a JSON list or object becomes one). 429 and 5xx are retried.
 */
final class JiraNotifier implements Notifier {

    static final int MAX_SUMMARY_RUNES = 255;
    static final int MAX_DESCRIPTION_RUNES = 32767;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpDelivery DELIVERY = HttpDelivery.to("Jira").retrying(429);

    private final JiraSettings settings;
    private final NotifierContext context;
    private final ConfiguredHttpClient client;

    JiraNotifier(JiraSettings settings, NotifierContext context, ConfiguredHttpClient client) {
        this.settings = settings;
        this.context = context;
        this.client = client;
    }

    @Override
    public void close() {
        client.close();
    }

    private String render(String field, String text, Notification n) throws NotifyException {
        return TemplateFields.render(context, field, text, n);
    }

    static String join(String base, String path) {
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return b + "/" + (path.startsWith("/") ? path.substring(1) : path);
    }

    private JsonNode call(String method, String url, JsonNode body, Instant deadline) throws NotifyException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(HttpDelivery.timeLeft(deadline))
                .header("Content-Type", "application/json")
                .header("Accept-Language", "en")
                .header("User-Agent", "Promethium");
        try {
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw NotifyException.doNotRetry("encoding the Jira request: " + e.getMessage(), e);
        }
        HttpResponse<String> answer = DELIVERY.send(client, b.build());
        String text = answer.body() == null ? "" : answer.body();
        if (text.isBlank()) {
            return JsonNodeFactory.instance.nullNode();
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw NotifyException.doNotRetry("could not read Jira's answer to " + method + ": " + HttpDelivery.cut(text), e);
        }
    }

    String searchUrl() {
        String base = settings.apiUrl().toString();
        boolean cloud = settings.apiType().equals("cloud")
                || settings.apiType().equals("auto") && settings.apiUrl().getHost().endsWith("atlassian.net");
        if (cloud) {
            return join(base, "/search/jql").replaceFirst("/rest/api/2/", "/rest/api/3/");
        }
        return join(base, "/search");
    }

    String jql(String project, String label, boolean firing) {
        StringBuilder jql = new StringBuilder();
        if (!settings.wontFixResolution().isEmpty()) {
            jql.append("(resolution is EMPTY or resolution != ").append(quote(settings.wontFixResolution())).append(") and ");
        }
        long reopenMinutes = settings.reopenDuration().toMinutes();
        if (firing && !settings.reopenTransition().isEmpty() && reopenMinutes > 0) {
            jql.append("(resolutiondate is EMPTY OR resolutiondate >= -").append(reopenMinutes).append("m) and ");
        } else {
            jql.append("statusCategory != Done and ");
        }
        jql.append("project=").append(quote(project)).append(" and labels=").append(quote(label))
                .append(" order by status ASC,resolutiondate DESC");
        return jql.toString();
    }

    /** Go's %q of a string: double quotes, backslash escapes. */
    static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void send(Notification n, Instant deadline) throws NotifyException {
        HttpDelivery.timeLeft(deadline);
        String label = "ALERT{" + GroupKeys.hash(n.groupKey()) + "}";
        String project = render("project", settings.project(), n);
        ObjectNode issue = issue(n, project, label);
        ObjectNode search = JSON.createObjectNode();
        search.putArray("fields").add("status");
        search.put("jql", jql(project, label, n.firing()));
        search.put("maxResults", 2);
        JsonNode found = call("POST", searchUrl(), search, deadline).path("issues");
        JsonNode existing = found.isArray() && !found.isEmpty() ? found.get(0) : null;
        if (found.size() > 1) {
            context.logger().warning("more than one Jira issue has label " + label + ": updating " + existing.path("key").asText());
        }
        String base = settings.apiUrl().toString();
        if (existing == null) {
            if (!n.firing()) {
                return;
            }
            call("POST", join(base, "issue"), issue, deadline);
            return;
        }
        String key = existing.path("key").asText();
        ObjectNode fields = (ObjectNode) issue.get("fields");
        if (!settings.summary().enableUpdate()) {
            fields.remove("summary");
        }
        if (!settings.description().enableUpdate()) {
            fields.remove("description");
        }
        call("PUT", join(base, "issue/" + key), issue, deadline);
        String category = existing.path("fields").path("status").path("statusCategory").path("key").asText("");
        if (existing.path("fields").path("status").isMissingNode() || key.isEmpty()) {
            return;
        }
        String transition;
        if (n.firing()) {
            if (!category.equals("done")) {
                return;
            }
            transition = settings.reopenTransition();
        } else {
            if (category.equals("done")) {
                return;
            }
            transition = settings.resolveTransition();
        }
        if (transition.isEmpty()) {
            return;
        }
        String id = null;
        for (JsonNode t : call("GET", join(base, "issue/" + key + "/transitions"), null, deadline).path("transitions")) {
            if (t.path("name").asText().equals(transition)) {
                id = t.path("id").asText();
                break;
            }
        }
        if (id == null) {
            throw NotifyException.doNotRetry("can't find transition " + transition + " for issue " + key, null);
        }
        ObjectNode body = JSON.createObjectNode();
        body.putObject("transition").put("id", id);
        call("POST", join(base, "issue/" + key + "/transitions"), body, deadline);
    }

    /** The issue's fields (keys sorted, as Go encodes its map). */
    ObjectNode issue(Notification n, String project, String label) throws NotifyException {
        Map<String, JsonNode> f = new TreeMap<>();
        String summary = render("summary", settings.summary().template(), n);
        if (Runes.longerThan(summary, MAX_SUMMARY_RUNES)) {
            summary = Runes.truncate(summary, MAX_SUMMARY_RUNES);
            context.logger().warning("Jira summary truncated to " + MAX_SUMMARY_RUNES + " characters");
        }
        f.put("summary", JSON.getNodeFactory().textNode(summary));
        String description = render("description", settings.description().template(), n);
        if (Runes.longerThan(description, MAX_DESCRIPTION_RUNES)) {
            description = Runes.truncate(description, MAX_DESCRIPTION_RUNES);
            context.logger().warning("Jira description truncated to " + MAX_DESCRIPTION_RUNES + " characters");
        }
        String path = settings.apiUrl().getPath();
        boolean v3 = (path.endsWith("/") ? path.substring(0, path.length() - 1) : path).endsWith("/3");
        if (v3) {
            String d = description.strip();
            if (!d.isEmpty()) {
                try {
                    f.put("description", JSON.readTree(d));
                } catch (IOException e) {
                    throw NotifyException.doNotRetry("description template: invalid JSON for API v3", null);
                }
            }
        } else if (!description.isEmpty()) {
            f.put("description", JSON.getNodeFactory().textNode(description));
        }
        f.put("issuetype", JSON.createObjectNode().put("name", render("issue_type", settings.issueType(), n)));
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < settings.labels().size(); i++) {
            labels.add(render("labels[" + i + "]", settings.labels().get(i), n));
        }
        labels.add(label);
        Collections.sort(labels);
        ArrayNode l = JSON.createArrayNode();
        labels.forEach(l::add);
        f.put("labels", l);
        String priority = render("priority", settings.priority(), n);
        if (!priority.isEmpty()) {
            f.put("priority", JSON.createObjectNode().put("name", priority));
        }
        f.put("project", JSON.createObjectNode().put("key", project));
        for (Map.Entry<String, Object> e : settings.fields().entrySet()) {
            String key = render("fields." + e.getKey() + "(key)", e.getKey(), n);
            f.put(key, deep("fields." + e.getKey(), e.getValue(), n));
        }
        ObjectNode issue = JSON.createObjectNode();
        ObjectNode fields = issue.putObject("fields");
        f.forEach(fields::set);
        return issue;
    }

    /** Alertmanager's DeepCopyWithTemplate: strings rendered; a rendered value that reads as data becomes that data. */
    private JsonNode deep(String at, Object value, Notification n) throws NotifyException {
        if (value == null) {
            return JSON.getNodeFactory().nullNode();
        }
        if (value instanceof String s) {
            return data(render(at, s, n));
        }
        if (value instanceof Map<?, ?> m) {
            ObjectNode o = JSON.createObjectNode();
            for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                o.set(render(at + "." + e.getKey() + "(key)", String.valueOf(e.getKey()), n), deep(at + "." + e.getKey(), e.getValue(), n));
            }
            return o;
        }
        if (value instanceof List<?> list) {
            ArrayNode a = JSON.createArrayNode();
            for (int i = 0; i < list.size(); i++) {
                a.add(deep(at + "[" + i + "]", list.get(i), n));
            }
            return a;
        }
        return JSON.valueToTree(value);
    }

    /**
     * A rendered string as YAML would read it: empty, {@code null} or {@code ~} is null,
     * {@code true}/{@code false} a boolean, a number a number, a JSON list or object that data;
     * anything else the string. (Go reads it as YAML; JSON is the part of YAML these values use.)
     */
    static JsonNode data(String s) {
        String t = s.strip();
        if (t.isEmpty() || t.equals("null") || t.equals("~")) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (t.equals("true") || t.equals("false")) {
            return JsonNodeFactory.instance.booleanNode(Boolean.parseBoolean(t));
        }
        if (t.matches("[-+]?\\d+")) {
            try {
                return JsonNodeFactory.instance.numberNode(Long.parseLong(t));
            } catch (NumberFormatException e) {
                return JsonNodeFactory.instance.textNode(s);
            }
        }
        if (t.matches("[-+]?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?")) {
            return JsonNodeFactory.instance.numberNode(Double.parseDouble(t));
        }
        if (t.startsWith("[") || t.startsWith("{")) {
            try {
                return JSON.readTree(t);
            } catch (IOException e) {
                return JsonNodeFactory.instance.textNode(s);
            }
        }
        return JsonNodeFactory.instance.textNode(s);
    }
}
