package io.promethium.notifiers.slack;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The part of {@code http_config} a Slack receiver needs: the bot token of
 * {@code chat.postMessage} as {@code authorization} ({@code type}, {@code credentials} or
 * {@code credentials_file}, read at each send) or {@code bearer_token[_file]}. Other
 * {@code http_config} fields are refused by name until the plugin context's shared HTTP client
 * (proxy, TLS, OAuth 2) is available to notifiers.
 *
 * @param type null when no authorization is configured
 */
record Authorization(String type, String credentials, Path credentialsFile) {

    static final Authorization NONE = new Authorization(null, null, null);

    static Authorization parse(PluginConfig parent, Path dir) throws ConfigException {
        Object raw = parent.values().get("http_config");
        if (raw == null) {
            return NONE;
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw parent.error("http_config: expected a mapping");
        }
        @SuppressWarnings("unchecked")
        PluginConfig c = new PluginConfig("http_config", (Map<String, Object>) map, parent.location());
        for (String key : c.values().keySet()) {
            if (!Set.of("authorization", "bearer_token", "bearer_token_file").contains(key)) {
                throw c.error("http_config." + key + " is not supported by the Slack notifier yet");
            }
        }
        if (c.values().get("authorization") instanceof Map<?, ?> au) {
            if (c.values().containsKey("bearer_token") || c.values().containsKey("bearer_token_file")) {
                throw c.error("at most one of bearer_token, bearer_token_file & authorization must be configured");
            }
            @SuppressWarnings("unchecked")
            PluginConfig a = new PluginConfig("authorization", (Map<String, Object>) au, parent.location());
            a.requireOnly(Set.of("type", "credentials", "credentials_file"));
            String type = a.string("type", "Bearer");
            if (type.equalsIgnoreCase("basic")) {
                throw a.error("authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
            }
            return of(a, type, a.string("credentials", null), a.string("credentials_file", null), dir);
        }
        if (c.values().containsKey("authorization")) {
            throw c.error("authorization: expected a mapping");
        }
        return of(c, "Bearer", c.string("bearer_token", null), c.string("bearer_token_file", null), dir);
    }

    private static Authorization of(PluginConfig c, String type, String credentials, String file, Path dir) throws ConfigException {
        if (credentials != null && file != null) {
            throw c.error("at most one of credentials & credentials_file must be configured");
        }
        return new Authorization(type, credentials, file == null ? null : dir.resolve(file));
    }

    /** The Authorization header value, or null; a credentials file is read now. */
    String header() throws IOException {
        if (type == null) {
            return null;
        }
        String cred = credentialsFile != null ? Files.readString(credentialsFile, StandardCharsets.UTF_8).strip()
                : credentials == null ? "" : credentials;
        return type + " " + cred;
    }
}
