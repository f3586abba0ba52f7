package io.promethium.tracing;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One {@code tracing:} section, as Prometheus 3 and Alertmanager 0.34 read it (their
 * {@code TracingConfig}): the OTLP client type, {@code host:port} endpoint, TLS or plain text,
 * headers, gzip, export timeout and the fraction of new traces sampled.
 *
 * @param clientType {@code grpc} (the default) or {@code http}
 * @param endpoint {@code host:port}, without scheme or path, as the Go exporters take it
 * @param samplingFraction the ratio of root traces sampled (parent-based: a sampled parent is followed)
 * @param insecure plain text instead of TLS
 * @param tlsConfig the {@code tls_config} block, or null
 * @param headers sent with every export
 * @param compression {@code gzip} or empty
 * @param timeout the export timeout, or null for the exporter's default (10s, as Go's)
 */
public record TracingSettings(String clientType, String endpoint, double samplingFraction, boolean insecure,
                              PluginConfig tlsConfig, Map<String, String> headers, String compression, Duration timeout) {

    /** The keys of both files' {@code tracing:} section. */
    public static final Set<String> FIELDS = Set.of("client_type", "endpoint", "sampling_fraction", "insecure", "tls_config",
            "headers", "compression", "timeout");

    /** How the {@code headers:} mapping is written. */
    public enum Headers {
        /** Prometheus: {@code Name: value}; reserved headers refused. */
        PLAIN,
        /** Alertmanager: {@code Name: {values: [..], secrets: [..], files: [..]}} (prometheus/common's Headers); the first value or secret is sent. */
        COMMON
    }

    public TracingSettings {
        Objects.requireNonNull(clientType, "clientType is null");
        Objects.requireNonNull(endpoint, "endpoint is null");
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        compression = compression == null ? "" : compression;
    }

    /** Whether export uses OTLP/gRPC (else OTLP/HTTP protobuf). */
    public boolean grpc() {
        return clientType.equals("grpc");
    }

    /** The exporter's URL: {@code http(s)://endpoint}, plus {@code /v1/traces} for OTLP/HTTP (the Go exporter's default path). */
    public String url() {
        return (insecure ? "http://" : "https://") + endpoint + (grpc() ? "" : "/v1/traces");
    }

    /** The host of {@link #endpoint()}, the name the TLS peer must have unless {@code server_name} says otherwise. */
    public String host() {
        String e = endpoint;
        if (e.startsWith("[")) {
            int close = e.indexOf(']');
            return close < 0 ? e : e.substring(1, close);
        }
        int colon = e.lastIndexOf(':');
        return colon < 0 ? e : e.substring(0, colon);
    }

    /**
     * Reads and checks a {@code tracing:} block with the Go programs' defaults and messages, each
     * error at its entry's location.
     *
     * @param block the section; null or empty is no tracing (returns null)
     * @param tls checks {@code tls_config}
     */
    public static TracingSettings parse(PluginConfig block, Headers dialect, HttpClientFactory tls) throws ConfigException {
        if (block == null || block.values().isEmpty()) {
            return null;
        }
        for (String name : block.values().keySet()) {
            if (!FIELDS.contains(name)) {
                throw block.error(name, "field " + name + " not found in type tracing.TracingConfig");
            }
        }
        String clientType = block.string("client_type", "grpc");
        if (!clientType.equals("grpc") && !clientType.equals("http")) {
            throw block.error("client_type", "expected tracing client type to be to be grpc or http, but got " + clientType);
        }
        Map<String, String> headers = headers(block, dialect);
        String endpoint = block.string("endpoint", "");
        if (endpoint.isEmpty()) {
            throw block.error("tracing endpoint must be set");
        }
        String compression = block.string("compression", "");
        if (!compression.isEmpty() && !compression.equals("gzip")) {
            throw block.error("compression", "invalid compression type " + compression + " provided, valid options: gzip");
        }
        double fraction;
        String text = block.string("sampling_fraction", "0");
        try {
            fraction = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw block.error("sampling_fraction", "sampling_fraction: cannot parse \"" + text + "\" as a number");
        }
        boolean insecure = block.bool("insecure", false);
        Duration timeout = block.duration("timeout", null);
        PluginConfig tlsConfig = block.block("tls_config");
        if (tlsConfig != null) {
            tls.validateTls(tlsConfig);
            // The OTLP client checks the peer's name against the endpoint itself and has no switch to skip it.
            if (tlsConfig.bool("insecure_skip_verify", false)) {
                throw tlsConfig.error("insecure_skip_verify",
                        "insecure_skip_verify is not supported for tracing: the OTLP client always checks the endpoint's certificate");
            }
            if (tlsConfig.has("server_name") && !tlsConfig.string("server_name", "").isEmpty()
                    && !tlsConfig.string("server_name", "").equals(hostOf(endpoint))) {
                throw tlsConfig.error("server_name",
                        "server_name other than the endpoint's host is not supported for tracing: the OTLP client checks the endpoint's host name");
            }
        }
        return new TracingSettings(clientType, endpoint, fraction, insecure, tlsConfig, headers, compression, timeout);
    }

    private static String hostOf(String endpoint) {
        return new TracingSettings("grpc", endpoint, 0, true, null, Map.of(), "", null).host();
    }

    private static Map<String, String> headers(PluginConfig block, Headers dialect) throws ConfigException {
        Object value = block.values().get("headers");
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw block.error("headers", "headers: expected a mapping");
        }
        if (dialect == Headers.PLAIN) {
            // Reserved names are refused by the config loader (Prometheus's rules), where the YAML is.
            return block.stringMap("headers");
        }
        PluginConfig h = block.block("headers");
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String name = String.valueOf(entry.getKey());
            PluginConfig one = h.block(name);
            if (one == null) {
                continue;
            }
            one.requireOnly(Set.of("values", "secrets", "files"));
            List<String> values = one.strings("values");
            List<String> secrets = one.strings("secrets");
            List<String> files = one.strings("files");
            if (!values.isEmpty()) {
                result.put(name, values.get(0));
            } else if (!secrets.isEmpty()) {
                result.put(name, secrets.get(0));
            } else if (!files.isEmpty()) {
                // Alertmanager fails the same way, only later (when it builds the exporter).
                throw one.error("files", "header files are not supported for tracing configuration");
            }
        }
        return result;
    }
}
