package io.promethium.notifiers.jira;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierUrls;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One validated {@code jira_configs} block with Alertmanager's defaults: {@code api_type}
 * {@code auto} ({@code cloud} for a host under {@code atlassian.net}, else {@code datacenter}),
 * {@code summary} and {@code description} (a template, or {@code template} with
 * {@code enable_update}) from the {@code jira.default.*} templates, {@code priority} from
 * {@code jira.default.priority}; {@code project} and {@code issue_type} required;
 * {@code labels}; {@code reopen_transition}, {@code resolve_transition},
 * {@code wont_fix_resolution}, {@code reopen_duration}; {@code fields} (custom fields, templates
 * at any depth).
 */
record JiraSettings(URI apiUrl, String apiType, String project, Field summary, Field description, List<String> labels,
                    String priority, String issueType, String reopenTransition, String resolveTransition,
                    String wontFixResolution, Duration reopenDuration, Map<String, Object> fields) {

    static final Set<String> FIELDS = Set.of("api_url", "api_type", "project", "summary", "description", "labels", "priority",
            "issue_type", "reopen_transition", "resolve_transition", "wont_fix_resolution", "reopen_duration", "fields",
            "http_config");

    /** A summary or description: its template and whether an update of an existing issue sets it. */
    record Field(String template, boolean enableUpdate) {
    }

    Map<String, String> templates() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("project", project);
        t.put("summary", summary.template());
        t.put("description", description.template());
        for (int i = 0; i < labels.size(); i++) {
            t.put("labels[" + i + "]", labels.get(i));
        }
        t.put("priority", priority);
        t.put("issue_type", issueType);
        collect("fields", fields, t);
        return t;
    }

    private static void collect(String at, Object value, Map<String, String> out) {
        if (value instanceof String s) {
            out.put(at, s);
        } else if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                out.put(at + "." + k + "(key)", String.valueOf(k));
                collect(at + "." + k, v, out);
            });
        } else if (value instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                collect(at + "[" + i + "]", l.get(i), out);
            }
        }
    }

    private static Field field(PluginConfig c, String name, String defaultTemplate) throws ConfigException {
        Object raw = c.values().get(name);
        if (raw == null) {
            return new Field(defaultTemplate, true);
        }
        if (raw instanceof Map<?, ?>) {
            PluginConfig b = c.block(name);
            b.requireOnly(Set.of("template", "enable_update"));
            return new Field(b.string("template", defaultTemplate), b.bool("enable_update", true));
        }
        return new Field(c.string(name, defaultTemplate), true);
    }

    @SuppressWarnings("unchecked")
    static JiraSettings parse(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        String project = c.string("project", "");
        if (project.isEmpty()) {
            throw c.error("missing project in jira_config");
        }
        String issueType = c.string("issue_type", "");
        if (issueType.isEmpty()) {
            throw c.error("missing issue_type in jira_config");
        }
        String apiType = c.string("api_type", "auto");
        if (!apiType.equals("auto") && !apiType.equals("cloud") && !apiType.equals("datacenter")) {
            throw c.error("api_type", "unknown api_type on jira_config, must be auto, cloud or datacenter");
        }
        String url = c.string("api_url", context.globalString("jira_api_url"));
        if (url == null) {
            throw c.error("no global Jira Cloud URL set");
        }
        Object fields = c.values().get("fields");
        if (fields != null && !(fields instanceof Map<?, ?>)) {
            throw c.error("fields", "fields: expected a mapping");
        }
        return new JiraSettings(NotifierUrls.parse(c, "api_url", url, false), apiType, project,
                field(c, "summary", "{{ template \"jira.default.summary\" . }}"),
                field(c, "description", "{{ template \"jira.default.description\" . }}"),
                c.strings("labels"), c.string("priority", "{{ template \"jira.default.priority\" . }}"), issueType,
                c.string("reopen_transition", ""), c.string("resolve_transition", ""), c.string("wont_fix_resolution", ""),
                c.duration("reopen_duration", Duration.ZERO),
                fields == null ? Map.of() : new LinkedHashMap<>((Map<String, Object>) fields));
    }
}
