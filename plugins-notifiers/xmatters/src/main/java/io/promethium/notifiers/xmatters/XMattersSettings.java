package io.promethium.notifiers.xmatters;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierUrls;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One validated {@code xmatters_configs} block: the trigger {@code url}, exactly one of
 * {@code api_key}/{@code api_key_file} (sent as the {@code apiKey} query parameter, as xMatters'
 * URL authentication expects), {@code basic_auth} or the credentials of {@code http_config}
 * (the kernel's HTTP client, which also brings TLS and proxy settings), {@code recipients}, {@code priority} and
 * {@code properties} (templates, over the defaults {@code summary} and {@code description}).
 */
record XMattersSettings(URI url, String apiKey, Path apiKeyFile, String username, String password, Path passwordFile,
                        List<String> recipients, String priority, Map<String, String> properties) {

    static final Set<String> FIELDS = Set.of("url", "api_key", "api_key_file", "basic_auth", "recipients", "priority",
            "properties", "http_config");

    /** The {@code http_config} fields that authenticate, standing in for {@code api_key}/{@code basic_auth}. */
    static final Set<String> HTTP_CREDENTIALS = Set.of("basic_auth", "authorization", "bearer_token", "bearer_token_file", "oauth2");
    static final Set<String> PRIORITIES = Set.of("LOW", "MEDIUM", "HIGH");

    /** Properties every event carries unless the block overrides them. */
    static final Map<String, String> DEFAULT_PROPERTIES = Map.of(
            "summary", "{{ template \"__subject\" . }}",
            "description", "{{ template \"__text_alert_list\" .Alerts }}");

    static XMattersSettings parse(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        String url = c.requiredString("url");
        URI uri = NotifierUrls.parse(c, "url", url, true); // the URL carries the integration's key: not echoed
        String apiKey = c.string("api_key", null);
        String apiKeyFile = c.string("api_key_file", null);
        if (apiKey != null && apiKeyFile != null) {
            throw c.error("at most one of api_key & api_key_file must be configured");
        }
        String user = null;
        String password = null;
        String passwordFile = null;
        Object ba = c.values().get("basic_auth");
        if (ba != null) {
            if (!(ba instanceof Map<?, ?> m)) {
                throw c.error("basic_auth", "basic_auth: expected a mapping");
            }
            @SuppressWarnings("unchecked")
            PluginConfig b = new PluginConfig(c.key() + ".basic_auth", (Map<String, Object>) m, c.location());
            b.requireOnly(Set.of("username", "password", "password_file"));
            user = b.requiredString("username");
            password = b.string("password", null);
            passwordFile = b.string("password_file", null);
            if (password != null && passwordFile != null) {
                throw b.error("at most one of basic_auth password & password_file must be configured");
            }
        }
        boolean key = apiKey != null || apiKeyFile != null;
        PluginConfig http = c.block("http_config");
        boolean httpCredentials = http != null && HTTP_CREDENTIALS.stream().anyMatch(http::has);
        int ways = (key ? 1 : 0) + (user != null ? 1 : 0) + (httpCredentials ? 1 : 0);
        if (ways != 1) {
            throw c.error("exactly one of api_key, api_key_file, basic_auth or http_config credentials must be configured for xMatters");
        }
        String priority = c.string("priority", "MEDIUM");
        if (!PRIORITIES.contains(priority)) {
            throw c.error("priority", "priority: must be one of LOW, MEDIUM, HIGH, got " + priority);
        }
        Map<String, String> properties = new LinkedHashMap<>(DEFAULT_PROPERTIES);
        Object raw = c.values().get("properties");
        if (raw != null) {
            if (!(raw instanceof Map<?, ?> m)) {
                throw c.error("properties", "properties: expected a mapping of strings");
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getValue() instanceof String s)) {
                    throw c.error("properties." + e.getKey() + ": expected a string");
                }
                if (Set.of("status", "correlation_id").contains(String.valueOf(e.getKey()))) {
                    throw c.error("properties." + e.getKey() + " is set by the notifier and cannot be configured");
                }
                properties.put(String.valueOf(e.getKey()), s);
            }
        }
        Path dir = context.configDirectory();
        return new XMattersSettings(uri, apiKey, apiKeyFile == null ? null : dir.resolve(apiKeyFile), user, password,
                passwordFile == null ? null : dir.resolve(passwordFile), c.strings("recipients"), priority, Map.copyOf(properties));
    }

    /** The API key, read from its file at each send so a rotated key applies; null with basic auth. */
    String readApiKey() throws IOException {
        return apiKeyFile != null ? Files.readString(apiKeyFile, StandardCharsets.UTF_8).strip() : apiKey;
    }

    String readPassword() throws IOException {
        return passwordFile != null ? Files.readString(passwordFile, StandardCharsets.UTF_8).strip() : password == null ? "" : password;
    }
}
