package io.promethium.notifiers.webhook;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * The {@code http_config} of a webhook: authentication (basic auth, authorization, bearer token,
 * with their {@code _file} variants, read at each request so rotated secrets apply),
 * {@code follow_redirects}, {@code enable_http2}. Fields this version cannot honour
 * ({@code tls_config}, {@code oauth2}, {@code proxy_url}, ...) are refused by name rather than
 * ignored; they arrive with the kernel's shared HTTP client factory.
 */
record HttpSettings(String basicUser, String basicPassword, Path basicPasswordFile, String authType, String credentials,
                    Path credentialsFile, boolean followRedirects, boolean http2) {

    static final Set<String> SUPPORTED = Set.of("basic_auth", "authorization", "bearer_token", "bearer_token_file",
            "follow_redirects", "enable_http2");
    static final Set<String> KNOWN = Set.of("tls_config", "oauth2", "proxy_url", "no_proxy", "proxy_from_environment",
            "proxy_connect_header");

    static HttpSettings parse(PluginConfig parent, Path dir) throws ConfigException {
        Object raw = parent.values().get("http_config");
        if (raw == null) {
            return new HttpSettings(null, null, null, null, null, null, true, true);
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw parent.error("http_config: expected a mapping");
        }
        @SuppressWarnings("unchecked")
        PluginConfig c = new PluginConfig("http_config", (Map<String, Object>) map, parent.location());
        for (String key : c.values().keySet()) {
            if (KNOWN.contains(key)) {
                throw c.error("http_config." + key + " is not supported by the webhook notifier yet");
            }
        }
        c.requireOnly(SUPPORTED);
        String user = null;
        String password = null;
        Path passwordFile = null;
        if (c.values().get("basic_auth") instanceof Map<?, ?> ba) {
            @SuppressWarnings("unchecked")
            PluginConfig b = new PluginConfig("basic_auth", (Map<String, Object>) ba, parent.location());
            b.requireOnly(Set.of("username", "password", "password_file"));
            user = b.string("username", "");
            password = b.string("password", null);
            String pf = b.string("password_file", null);
            if (password != null && pf != null) {
                throw b.error("at most one of basic_auth password & password_file must be configured");
            }
            passwordFile = pf == null ? null : dir.resolve(pf);
        } else if (c.values().containsKey("basic_auth")) {
            throw c.error("basic_auth: expected a mapping");
        }
        String type = null;
        String credentials = null;
        Path credentialsFile = null;
        if (c.values().get("authorization") instanceof Map<?, ?> au) {
            @SuppressWarnings("unchecked")
            PluginConfig a = new PluginConfig("authorization", (Map<String, Object>) au, parent.location());
            a.requireOnly(Set.of("type", "credentials", "credentials_file"));
            type = a.string("type", "Bearer");
            if (type.equalsIgnoreCase("basic")) {
                throw a.error("authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
            }
            credentials = a.string("credentials", null);
            String cf = a.string("credentials_file", null);
            if (credentials != null && cf != null) {
                throw a.error("at most one of authorization credentials & credentials_file must be configured");
            }
            credentialsFile = cf == null ? null : dir.resolve(cf);
        } else if (c.values().containsKey("authorization")) {
            throw c.error("authorization: expected a mapping");
        }
        String bearer = c.string("bearer_token", null);
        String bearerFile = c.string("bearer_token_file", null);
        if (bearer != null || bearerFile != null) {
            if (type != null) {
                throw c.error("at most one of bearer_token, bearer_token_file & authorization must be configured");
            }
            if (bearer != null && bearerFile != null) {
                throw c.error("at most one of bearer_token & bearer_token_file must be configured");
            }
            type = "Bearer";
            credentials = bearer;
            credentialsFile = bearerFile == null ? null : dir.resolve(bearerFile);
        }
        if (user != null && type != null) {
            throw c.error("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
        }
        return new HttpSettings(user, password, passwordFile, type, credentials, credentialsFile,
                c.bool("follow_redirects", true), c.bool("enable_http2", true));
    }

    /** The Authorization header, or null; files are read now. */
    String authorization() throws IOException {
        if (basicUser != null) {
            String pw = basicPasswordFile != null ? Files.readString(basicPasswordFile, StandardCharsets.UTF_8).strip()
                    : basicPassword == null ? "" : basicPassword;
            return "Basic " + Base64.getEncoder().encodeToString((basicUser + ":" + pw).getBytes(StandardCharsets.UTF_8));
        }
        if (authType != null) {
            String cred = credentialsFile != null ? Files.readString(credentialsFile, StandardCharsets.UTF_8).strip()
                    : credentials == null ? "" : credentials;
            return authType + " " + cred;
        }
        return null;
    }
}
