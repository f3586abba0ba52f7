package io.promethium.notifiers.pagerduty;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierUrls;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One validated {@code pagerduty_configs} block with Alertmanager's defaults: the
 * {@code pagerduty.default.*} description, client and client URL, the firing/resolved details,
 * {@code source} defaulting to {@code client}, {@code url} to the global {@code pagerduty_url}.
 * A {@code service_key} selects Events API v1, a {@code routing_key} v2.
 *
 * @param timeout Alertmanager 0.34's {@code timeout}: the longest one request may take; zero for none
 *                beyond the dispatcher's deadline
 * @param url the v2 endpoint; for v1 the block's own {@code url} if set, else PagerDuty's v1 endpoint
 */
record PagerDutySettings(String key, Path keyFile, boolean v1, URI url, String client, String clientUrl,
                         String description, Map<String, String> details, List<Image> images, List<Link> links,
                         String source, String severity, String className, String component, String group,
                         Duration timeout) {

    static final String V1_URL = "https://events.pagerduty.com/generic/2010-04-15/create_event.json";
    static final Set<String> FIELDS = Set.of("service_key", "service_key_file", "routing_key", "routing_key_file", "url",
            "client", "client_url", "description", "details", "images", "links", "source", "severity", "class",
            "component", "group", "timeout", "http_config");

    /** Alertmanager's DefaultPagerdutyDetails. */
    static final Map<String, String> DEFAULT_DETAILS = Map.of(
            "firing", "{{ template \"pagerduty.default.instances\" .Alerts.Firing }}",
            "resolved", "{{ template \"pagerduty.default.instances\" .Alerts.Resolved }}",
            "num_firing", "{{ .Alerts.Firing | len }}",
            "num_resolved", "{{ .Alerts.Resolved | len }}");

    record Image(String src, String alt, String href) {
    }

    record Link(String href, String text) {
    }

    List<String> templates() {
        List<String> all = new ArrayList<>(List.of(client, clientUrl, description, source, severity, className, component, group));
        all.addAll(details.values());
        images.forEach(i -> all.addAll(List.of(i.src(), i.alt(), i.href())));
        links.forEach(l -> all.addAll(List.of(l.href(), l.text())));
        return all;
    }

    /** The routing or service key, read from its file at each send so a rotated key applies. */
    String readKey() throws IOException {
        return keyFile != null ? Files.readString(keyFile, StandardCharsets.UTF_8).strip() : key;
    }

    static PagerDutySettings parse(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        String routingKey = c.string("routing_key", null);
        String routingKeyFile = c.string("routing_key_file", null);
        String serviceKey = c.string("service_key", null);
        String serviceKeyFile = c.string("service_key_file", null);
        if (routingKey != null && routingKeyFile != null) {
            throw c.error("at most one of routing_key & routing_key_file must be configured");
        }
        if (serviceKey != null && serviceKeyFile != null) {
            throw c.error("at most one of service_key & service_key_file must be configured");
        }
        boolean hasRouting = routingKey != null || routingKeyFile != null;
        boolean hasService = serviceKey != null || serviceKeyFile != null;
        if (!hasRouting && !hasService) {
            throw c.error("missing service or routing key in PagerDuty config");
        }
        boolean v1 = hasService && !hasRouting;
        String key = v1 ? serviceKey : routingKey;
        String file = v1 ? serviceKeyFile : routingKeyFile;
        String ownUrl = c.string("url", null);
        String url = ownUrl;
        if (url == null) {
            url = v1 ? V1_URL : String.valueOf(context.globals().getOrDefault("pagerduty_url", "https://events.pagerduty.com/v2/enqueue"));
        }
        URI uri = NotifierUrls.parse(c, "url", url, false);
        Map<String, String> details = new LinkedHashMap<>(DEFAULT_DETAILS);
        Object rawDetails = c.values().get("details");
        if (rawDetails != null) {
            if (!(rawDetails instanceof Map<?, ?> m)) {
                throw c.error("details", "details: expected a mapping of strings");
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof String) && e.getValue() != null) {
                    throw c.error("details." + e.getKey() + ": expected a string");
                }
                details.put(String.valueOf(e.getKey()), e.getValue() == null ? "" : (String) e.getValue());
            }
        }
        List<Image> images = new ArrayList<>();
        for (PluginConfig i : blocks(c, "images")) {
            i.requireOnly(Set.of("src", "alt", "href"));
            images.add(new Image(i.string("src", ""), i.string("alt", ""), i.string("href", "")));
        }
        List<Link> links = new ArrayList<>();
        for (PluginConfig l : blocks(c, "links")) {
            l.requireOnly(Set.of("href", "text"));
            links.add(new Link(l.string("href", ""), l.string("text", "")));
        }
        String client = c.string("client", "{{ template \"pagerduty.default.client\" . }}");
        return new PagerDutySettings(key, file == null ? null : context.configDirectory().resolve(file), v1, uri, client,
                c.string("client_url", "{{ template \"pagerduty.default.clientURL\" . }}"),
                c.string("description", "{{ template \"pagerduty.default.description\" .}}"),
                Map.copyOf(details), List.copyOf(images), List.copyOf(links),
                c.string("source", client), c.string("severity", "error"), c.string("class", ""),
                c.string("component", ""), c.string("group", ""), c.duration("timeout", Duration.ZERO));
    }

    private static List<PluginConfig> blocks(PluginConfig c, String name) throws ConfigException {
        Object raw = c.values().get(name);
        if (raw == null) {
            return List.of();
        }
        if (!(raw instanceof List<?> list)) {
            throw c.error(name + ": expected a list");
        }
        List<PluginConfig> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw c.error(name + "[" + i + "]: expected a mapping");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> values = (Map<String, Object>) m;
            out.add(new PluginConfig(c.key() + "." + name + "[" + i + "]", values, c.location()));
        }
        return out;
    }
}
