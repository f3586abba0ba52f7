package io.promethium.remote.http;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.http.HttpClientFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The HTTP side of a {@code remote_write} or {@code remote_read} entry: its {@code url}, its
 * {@code headers}, and its embedded {@code http_client_config}, which the kernel's
 * {@link HttpClientFactory} validates and turns into a client, exactly as for scrapes and
 * Alertmanagers (TLS, basic auth, authorization, OAuth2, proxies, redirects, HTTP/2,
 * {@code http_headers}).
 *
 * @param block the entry with {@code enable_http2} defaulted for its kind
 */
public record RemoteHttp(HttpClientFactory factory, PluginConfig block, Path configDirectory) {

    /** Headers the remote clients set themselves (Prometheus refuses them in {@code headers}). */
    private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "host", "content-encoding", "content-length",
            "content-type", "user-agent", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "www-authenticate", "retry-after", "accept-encoding", "x-prometheus-remote-write-version",
            "x-prometheus-remote-read-version", "x-prometheus-scrape-timeout-seconds", "x-amz-date", "x-amz-security-token",
            "x-amz-content-sha256");

    public RemoteHttp {
        Objects.requireNonNull(factory, "factory is null");
        Objects.requireNonNull(block, "block is null");
        Objects.requireNonNull(configDirectory, "configDirectory is null");
    }

    /**
     * Validates the entry's {@code http_client_config} fields. {@code enableHttp2Default} is
     * Prometheus's default for the kind: false for remote write, true for remote read.
     */
    public static RemoteHttp parse(PluginConfig entry, HttpClientFactory factory, Path configDirectory, boolean enableHttp2Default)
            throws ConfigException {
        PluginConfig block = entry;
        if (!entry.has("enable_http2")) {
            Map<String, Object> values = new LinkedHashMap<>(entry.values());
            values.put("enable_http2", enableHttp2Default);
            block = new PluginConfig(entry.key(), values, entry.location(), entry.locations());
        }
        factory.validate(block);
        return new RemoteHttp(factory, block, configDirectory);
    }

    /** A new client for the entry; the caller closes it. */
    public ConfiguredHttpClient create() throws ConfigException {
        return factory.create(block, configDirectory);
    }

    /**
     * The entry's required {@code url}, judged as Prometheus judges it (Go's {@code url.Parse}): a
     * URL without a scheme or host ({@code localhost:9090}) is accepted and fails when used, as there.
     */
    public static URI url(PluginConfig c) throws ConfigException {
        String urlText = c.string("url", null);
        if (urlText == null) {
            // Only an absent url is empty to Prometheus: url: "" parses (and fails when used).
            throw c.error("url", "url for " + c.key() + " is empty");
        }
        try {
            return GoUrl.parse(urlText);
        } catch (IllegalArgumentException e) {
            throw c.error("url", "url: " + e.getMessage());
        }
    }

    /** The entry's {@code headers}: strings, none of them one the client sets itself. */
    public static Map<String, String> headers(PluginConfig c) throws ConfigException {
        Map<String, String> headers = strings(c, "headers");
        for (String h : headers.keySet()) {
            if (RESERVED_HEADERS.contains(h.toLowerCase(Locale.ROOT))) {
                throw c.error("headers", "headers: " + h + " is a reserved header. It must not be changed");
            }
        }
        return headers;
    }

    /** A mapping of strings ({@code headers}, {@code required_matchers}); empty when absent. */
    public static Map<String, String> strings(PluginConfig c, String name) throws ConfigException {
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : mapping(c, name).entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw c.error(name, name + ": value of " + e.getKey() + " must be a string");
            }
            result.put(e.getKey(), s);
        }
        return result;
    }

    /** A nested mapping field, empty when absent. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> mapping(PluginConfig c, String name) throws ConfigException {
        Object value = c.values().get(name);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw c.error(name, name + ": expected a mapping");
        }
        return (Map<String, Object>) map;
    }
}
