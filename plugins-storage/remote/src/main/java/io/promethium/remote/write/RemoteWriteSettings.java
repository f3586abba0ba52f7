package io.promethium.remote.write;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.LabelRewriter;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.model.Labels;
import io.promethium.remote.http.RemoteHttp;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One validated {@code remote_write:} entry with Prometheus's defaults. Fields Promethium cannot
 * honour yet are refused by name, never accepted and ignored.
 *
 * @param queueName {@code name}, or a hash of the entry when unnamed (as Prometheus's {@code remote_name})
 * @param relabel the compiled {@code write_relabel_configs}
 * @param externalLabels {@code global.external_labels}, added to every series unless it has the label
 * @param sendExemplars {@code send_exemplars}: the exemplars the WAL recorded go with their series
 * @param protobufMessage {@code protobuf_message}: {@code prometheus.WriteRequest} (1.0) or
 *     {@code io.prometheus.write.v2.Request} (2.0)
 * @param sendNativeHistograms {@code send_native_histograms}: the native histogram samples the WAL recorded are sent
 *     (otherwise they are left out, counted in neither sent nor dropped, as Prometheus)
 */
public record RemoteWriteSettings(URI url, String queueName, Duration remoteTimeout, Map<String, String> headers,
                                  LabelRewriter relabel, Labels externalLabels, Queue queue, MetadataSettings metadata,
                                  boolean sendExemplars, boolean sendNativeHistograms, String protobufMessage, RemoteHttp http,
                                  String fingerprint) {

    /**
     * {@code queue_config:}. {@code retry_on_http_429} is off unless set, as in every Prometheus
     * release: a 429 then drops the batch and counts it failed, as another 4xx.
     */
    public record Queue(int capacity, int minShards, int maxShards, int maxSamplesPerSend, Duration batchSendDeadline,
                        Duration minBackoff, Duration maxBackoff, boolean retryOnHttp429, Duration sampleAgeLimit) {
        static final Queue DEFAULT = new Queue(10_000, 1, 50, 2_000, Duration.ofSeconds(5), Duration.ofMillis(30),
                Duration.ofSeconds(5), false, Duration.ZERO);
    }

    /** {@code metadata_config:}. */
    public record MetadataSettings(boolean send, Duration sendInterval, int maxSamplesPerSend) {
        static final MetadataSettings DEFAULT = new MetadataSettings(true, Duration.ofMinutes(1), 500);
    }

    static final String KEY = "remote_write";

    private static final Set<String> FIELDS;
    /** Authentication Prometheus offers for cloud receivers that Promethium does not implement. */
    private static final Set<String> REFUSED_AUTH = Set.of("sigv4", "azuread", "google_iam");

    static {
        Set<String> f = new java.util.HashSet<>(Set.of("url", "name", "remote_timeout", "headers", "write_relabel_configs",
                "queue_config", "metadata_config", "send_exemplars", "send_native_histograms", "protobuf_message",
                "round_robin_dns"));
        f.addAll(REFUSED_AUTH);
        f.addAll(HttpClientFactory.FIELDS);
        FIELDS = Set.copyOf(f);
    }

    private static final Set<String> QUEUE_FIELDS = Set.of("capacity", "min_shards", "max_shards", "max_samples_per_send",
            "batch_send_deadline", "min_backoff", "max_backoff", "retry_on_http_429", "sample_age_limit");
    private static final Set<String> METADATA_FIELDS = Set.of("send", "send_interval", "max_samples_per_send");
    static final String PROTOBUF_V1 = "prometheus.WriteRequest";
    static final String PROTOBUF_V2 = "io.prometheus.write.v2.Request";

    /** Whether this queue speaks remote write 2.0. */
    public boolean v2() {
        return protobufMessage.equals(PROTOBUF_V2);
    }

    public RemoteWriteSettings {
        Objects.requireNonNull(url, "url is null");
        headers = Map.copyOf(headers);
    }

    /** Parses and validates one entry. */
    public static RemoteWriteSettings parse(PluginConfig c, SectionContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        URI url = RemoteHttp.url(c);
        for (String refused : new java.util.TreeSet<>(REFUSED_AUTH)) {
            if (c.has(refused)) {
                throw c.error(refused, refused + ": not supported by Promethium's remote write (use basic_auth, authorization, "
                        + "oauth2 or tls_config, or a signing proxy in front of the receiver)");
            }
        }
        if (c.bool("round_robin_dns", false)) {
            throw c.error("round_robin_dns", "round_robin_dns: not supported by Promethium's remote write yet");
        }
        String message = c.string("protobuf_message", PROTOBUF_V1);
        if (!message.equals(PROTOBUF_V1) && !message.equals(PROTOBUF_V2)) {
            throw c.error("protobuf_message", "protobuf_message: unknown message \"" + message + "\" (known: " + PROTOBUF_V1 + ", " + PROTOBUF_V2 + ")");
        }
        Duration timeout = positive(c, c.duration("remote_timeout", Duration.ofSeconds(30)), "remote_timeout");
        Map<String, String> headers = RemoteHttp.headers(c);
        Queue queue = queue(c);
        MetadataSettings metadata = metadata(c);
        // Prometheus's remote write client defaults to HTTP/1.1 (enable_http2: false), unlike other clients.
        RemoteHttp http = RemoteHttp.parse(c, context.httpClients(), context.configDirectory(), false);
        LabelRewriter relabel = context.relabeling(c, "write_relabel_configs");
        String fingerprint = fingerprint(c.values().toString());
        String name = c.string("name", "");
        return new RemoteWriteSettings(url, name.isEmpty() ? fingerprint.substring(0, 6) : name, timeout, headers, relabel,
                context.externalLabels(), queue, metadata, c.bool("send_exemplars", false), c.bool("send_native_histograms", false), message,
                http, fingerprint);
    }

    private static Queue queue(PluginConfig parent) throws ConfigException {
        PluginConfig q = nested(parent, "queue_config");
        q.requireOnly(QUEUE_FIELDS);
        Queue d = Queue.DEFAULT;
        int capacity = (int) q.integer("capacity", d.capacity());
        int minShards = (int) q.integer("min_shards", d.minShards());
        int maxShards = (int) q.integer("max_shards", d.maxShards());
        int perSend = (int) q.integer("max_samples_per_send", d.maxSamplesPerSend());
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        counts.put("capacity", capacity);
        counts.put("min_shards", minShards);
        counts.put("max_shards", maxShards);
        counts.put("max_samples_per_send", perSend);
        for (Map.Entry<String, Integer> count : counts.entrySet()) {
            if (count.getValue() <= 0) {
                throw q.error(count.getKey(), "queue_config: capacity, min_shards, max_shards and max_samples_per_send must be positive");
            }
        }
        if (minShards > maxShards) {
            throw q.error("min_shards", "queue_config: min_shards (" + minShards + ") is greater than max_shards (" + maxShards + ")");
        }
        Duration minBackoff = positive(q, q.duration("min_backoff", d.minBackoff()), "min_backoff");
        Duration maxBackoff = positive(q, q.duration("max_backoff", d.maxBackoff()), "max_backoff");
        if (minBackoff.compareTo(maxBackoff) > 0) {
            throw q.error("min_backoff", "queue_config: min_backoff is greater than max_backoff");
        }
        return new Queue(capacity, minShards, maxShards, perSend,
                positive(q, q.duration("batch_send_deadline", d.batchSendDeadline()), "batch_send_deadline"),
                minBackoff, maxBackoff, q.bool("retry_on_http_429", d.retryOnHttp429()),
                q.duration("sample_age_limit", d.sampleAgeLimit()));
    }

    private static MetadataSettings metadata(PluginConfig parent) throws ConfigException {
        PluginConfig m = nested(parent, "metadata_config");
        m.requireOnly(METADATA_FIELDS);
        MetadataSettings d = MetadataSettings.DEFAULT;
        int perSend = (int) m.integer("max_samples_per_send", d.maxSamplesPerSend());
        if (perSend <= 0) {
            throw m.error("max_samples_per_send", "metadata_config: max_samples_per_send must be positive");
        }
        return new MetadataSettings(m.bool("send", d.send()),
                positive(m, m.duration("send_interval", d.sendInterval()), "send_interval"), perSend);
    }

    /** {@code name} of {@code c} must be positive; the message names the block it is in ({@code queue_config: min_backoff}). */
    private static Duration positive(PluginConfig c, Duration d, String name) throws ConfigException {
        if (d.isNegative() || d.isZero()) {
            String block = c.key().substring(c.key().lastIndexOf('.') + 1);
            throw c.error(name, (block.equals(KEY) ? "" : block + ": ") + name + " must be greater than zero");
        }
        return d;
    }

    /** The mapping {@code name} of {@code parent} as a located block; an empty one (at the parent) when absent. */
    private static PluginConfig nested(PluginConfig parent, String name) throws ConfigException {
        PluginConfig block = parent.block(name);
        return block != null ? block : new PluginConfig(parent.key() + "." + name, Map.of(), parent.locationOf(name));
    }

    private static String fingerprint(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
