package io.promethium.alertmanager.config;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.config.yaml.EntryLocations;
import io.promethium.config.yaml.YamlNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Alertmanager 0.34's top-level {@code event_recorder:} block: where structured events of the
 * alerting pipeline go. Outputs are listed by kind; every event goes to every output. Two
 * configs are {@link #equals equal} when their outputs are (Alertmanager's {@code configEqual}),
 * so a reload that does not change the block keeps the outputs running.
 *
 * @param stdoutOutputs how many {@code stdout_outputs} entries (each takes no settings)
 */
public record EventRecorderConfig(List<FileOutput> fileOutputs, List<WebhookOutput> webhookOutputs, List<KafkaOutput> kafkaOutputs,
                                  int stdoutOutputs) {

    public static final EventRecorderConfig NONE = new EventRecorderConfig(List.of(), List.of(), List.of(), 0);

    /** The keys of an output of {@code webhook_outputs}, as 0.34's {@code WebhookOutputConfig}. */
    static final Set<String> WEBHOOK_KEYS = Set.of("url", "http_config", "timeout", "workers", "max_retries", "retry_backoff", "batch",
            "batch_max_events", "batch_max_bytes", "batch_flush_interval");

    /** The keys of an output of {@code kafka_outputs}, as 0.34's {@code KafkaOutputConfig}. */
    static final Set<String> KAFKA_KEYS = Set.of("brokers", "topic", "client_id", "format", "acks", "compression", "buffer_size",
            "tls_config");

    public EventRecorderConfig {
        fileOutputs = List.copyOf(fileOutputs);
        webhookOutputs = List.copyOf(webhookOutputs);
        kafkaOutputs = List.copyOf(kafkaOutputs);
    }

    public int totalOutputs() {
        return fileOutputs.size() + webhookOutputs.size() + kafkaOutputs.size() + stdoutOutputs;
    }

    /** How a Kafka output encodes each event (the record's value). */
    public enum KafkaFormat {
        /** Protobuf's JSON mapping of the event, the bytes the file output writes as a line (0.34's {@code protojson}). */
        JSON,
        /** The event as binary protobuf ({@code eventrecorderpb.Event}). */
        PROTOBUF
    }

    /**
     * Produces each event as one record to {@code topic} (0.34's {@code kafka_outputs}), keyed by
     * the instance name so that one Alertmanager's events keep their order in one partition.
     *
     * @param brokers seed brokers, {@code host:port}
     * @param clientId reported to the brokers (default {@code alertmanager})
     * @param acks {@code none}, {@code leader} (default) or {@code all}
     * @param compression {@code none} (default), {@code gzip}, {@code snappy}, {@code lz4} or {@code zstd}
     * @param bufferSize the local queue in front of the producer (default 1024): a full one drops the event
     * @param tlsConfig the {@code tls_config} block, or null for PLAINTEXT; its relative files are read from {@code configDirectory}
     */
    public record KafkaOutput(List<String> brokers, String topic, String clientId, KafkaFormat format, String acks, String compression,
                              int bufferSize, PluginConfig tlsConfig, Path configDirectory) {

        public static final String DEFAULT_CLIENT_ID = "alertmanager";
        public static final int DEFAULT_BUFFER_SIZE = 1024;

        public KafkaOutput {
            brokers = List.copyOf(brokers);
            Objects.requireNonNull(topic, "topic is null");
            Objects.requireNonNull(format, "format is null");
        }

        /** {@code kafka:<brokers, sorted, comma-separated>/<topic>}: the output's name in metrics and logs, as 0.34's. */
        public String name() {
            return "kafka:" + String.join(",", brokers.stream().sorted().toList()) + "/" + topic;
        }

        /** As 0.34's {@code equal}: brokers in any order, the TLS block by its values. */
        @Override
        public boolean equals(Object o) {
            return o instanceof KafkaOutput k && brokers.stream().sorted().toList().equals(k.brokers.stream().sorted().toList())
                    && topic.equals(k.topic) && clientId.equals(k.clientId) && format == k.format && acks.equals(k.acks)
                    && compression.equals(k.compression) && bufferSize == k.bufferSize
                    && Objects.equals(configDirectory, k.configDirectory)
                    && Objects.equals(tlsConfig == null ? null : tlsConfig.values(), k.tlsConfig == null ? null : k.tlsConfig.values());
        }

        @Override
        public int hashCode() {
            return Objects.hash(topic, format, bufferSize);
        }
    }

    /** Appends JSON lines to {@code path} (resolved against the config file's folder), reopened when rotated away. */
    public record FileOutput(Path path) {
        public FileOutput {
            Objects.requireNonNull(path, "path is null");
        }
    }

    /**
     * POSTs each event (or, with {@code batch}, JSON arrays of events) to {@code url}; the
     * settings with 0.34's defaults applied.
     *
     * @param httpConfig the {@code http_config} block, or null; its relative files are read from {@code configDirectory}
     */
    public record WebhookOutput(String url, PluginConfig httpConfig, Path configDirectory, Duration timeout, int workers,
                                int maxRetries, Duration retryBackoff, boolean batch, int batchMaxEvents, int batchMaxBytes,
                                Duration batchFlushInterval) {

        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
        public static final int DEFAULT_WORKERS = 4;
        public static final int DEFAULT_MAX_RETRIES = 3;
        public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(500);
        public static final int DEFAULT_BATCH_MAX_EVENTS = 100;
        public static final int DEFAULT_BATCH_MAX_BYTES = 1 << 20;
        public static final Duration DEFAULT_BATCH_FLUSH_INTERVAL = Duration.ofMillis(100);

        /** As 0.34's {@code equal}: the block's values count, not where they are written. */
        @Override
        public boolean equals(Object o) {
            return o instanceof WebhookOutput w && url.equals(w.url) && Objects.equals(configDirectory, w.configDirectory)
                    && Objects.equals(httpConfig == null ? null : httpConfig.values(), w.httpConfig == null ? null : w.httpConfig.values())
                    && timeout.equals(w.timeout) && workers == w.workers && maxRetries == w.maxRetries
                    && retryBackoff.equals(w.retryBackoff) && batch == w.batch && batchMaxEvents == w.batchMaxEvents
                    && batchMaxBytes == w.batchMaxBytes && batchFlushInterval.equals(w.batchFlushInterval);
        }

        @Override
        public int hashCode() {
            return Objects.hash(url, batch, workers);
        }

        @Override
        public String toString() {
            return "WebhookOutput[" + sanitized(url) + "]";
        }
    }

    /** A URL without credentials, query and fragment (0.34's {@code sanitizeURL}): the output's name in metrics and logs. */
    public static String sanitized(String url) {
        try {
            URI u = new URI(url);
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return "<invalid>";
        }
    }

    /**
     * Reads the block as 0.34 does: strict keys, its checks, errors with file:line:col and the
     * field at fault.
     *
     * @param dir the config file's folder: relative file paths are resolved against it
     */
    static EventRecorderConfig parse(YamlNode node, Path dir) throws ConfigException {
        if (node == null || node instanceof YamlNode.Scalar s && s.isNullOrPlainEmpty()) {
            return NONE;
        }
        Block b = Block.of(node, "eventrecorder.Config");
        List<FileOutput> files = new ArrayList<>();
        List<YamlNode> fileItems = b.list("file_outputs");
        for (int i = 0; i < fileItems.size(); i++) {
            PluginConfig c = block(fileItems.get(i), "event_recorder.file_outputs[" + i + "]", "eventrecorder.FileOutputConfig");
            c.requireOnly(Set.of("path"));
            String path = c.string("path", "");
            if (path.isEmpty()) {
                throw c.error("path", "event_recorder file output requires a path");
            }
            files.add(new FileOutput(dir.resolve(path).normalize()));
        }
        List<WebhookOutput> webhooks = new ArrayList<>();
        List<YamlNode> webhookItems = b.list("webhook_outputs");
        for (int i = 0; i < webhookItems.size(); i++) {
            webhooks.add(webhook(block(webhookItems.get(i), "event_recorder.webhook_outputs[" + i + "]",
                    "eventrecorder.WebhookOutputConfig"), dir));
        }
        List<KafkaOutput> kafkas = new ArrayList<>();
        List<YamlNode> kafkaItems = b.list("kafka_outputs");
        for (int i = 0; i < kafkaItems.size(); i++) {
            kafkas.add(kafka(block(kafkaItems.get(i), "event_recorder.kafka_outputs[" + i + "]", "eventrecorder.KafkaOutputConfig"), dir));
        }
        List<YamlNode> stdoutItems = b.list("stdout_outputs");
        for (int i = 0; i < stdoutItems.size(); i++) {
            block(stdoutItems.get(i), "event_recorder.stdout_outputs[" + i + "]", "eventrecorder.StdoutOutputConfig").requireOnly(Set.of());
        }
        b.finish();
        return new EventRecorderConfig(files, webhooks, kafkas, stdoutItems.size());
    }

    /** The scalars shown as {@code <secret>}: each webhook output's URL (0.34's SecretURL) and TLS key, each Kafka output's TLS key. */
    static Set<YamlNode> secrets(YamlNode root) {
        Set<YamlNode> out = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        if (root instanceof YamlNode.Mapping m && m.get("event_recorder") instanceof YamlNode.Mapping er) {
            if (er.get("webhook_outputs") instanceof YamlNode.Sequence seq) {
                for (YamlNode item : seq.items()) {
                    out.addAll(io.promethium.config.yaml.YamlWriter.scalarsAt(item, Set.of("url", "http_config.tls_config.key")));
                }
            }
            if (er.get("kafka_outputs") instanceof YamlNode.Sequence seq) {
                for (YamlNode item : seq.items()) {
                    out.addAll(io.promethium.config.yaml.YamlWriter.scalarsAt(item, Set.of("tls_config.key")));
                }
            }
        }
        return out;
    }

    /**
     * A Kafka output with 0.34's checks in its order (the shared {@code kafka.ClientOptions.Validate}:
     * brokers, acks, compression; then topic and format) and its messages, each naming the field.
     */
    private static KafkaOutput kafka(PluginConfig c, Path dir) throws ConfigException {
        c.requireOnly(KAFKA_KEYS);
        List<String> brokers = c.strings("brokers");
        String topic = c.string("topic", "");
        String clientId = c.string("client_id", "");
        String format = c.string("format", "");
        String acks = c.string("acks", "");
        String compression = c.string("compression", "");
        long bufferSize = c.integer("buffer_size", 0);
        PluginConfig tls = c.block("tls_config");
        if (tls != null) {
            new io.promethium.config.http.KernelHttpClientFactory().validateTls(tls);
        }
        if (brokers.isEmpty()) {
            throw c.error("brokers", "event_recorder kafka: at least one broker is required");
        }
        if (brokers.contains("")) {
            throw c.error("brokers", "event_recorder kafka: broker entries must be non-empty");
        }
        if (!Set.of("", "none", "leader", "all").contains(acks)) {
            throw c.error("acks", "event_recorder kafka: unknown acks \"" + acks + "\", must be \"none\", \"leader\", or \"all\"");
        }
        if (!Set.of("", "none", "gzip", "snappy", "lz4", "zstd").contains(compression)) {
            throw c.error("compression", "event_recorder kafka: unknown compression \"" + compression + "\"");
        }
        if (topic.isEmpty()) {
            throw c.error("topic", "event_recorder kafka output requires a topic");
        }
        KafkaFormat kafkaFormat = switch (format) {
            case "", "json" -> KafkaFormat.JSON;
            case "protobuf" -> KafkaFormat.PROTOBUF;
            default -> throw c.error("format", "event_recorder kafka: unknown format \"" + format + "\", must be \"json\" or \"protobuf\"");
        };
        return new KafkaOutput(brokers, topic, clientId.isEmpty() ? KafkaOutput.DEFAULT_CLIENT_ID : clientId, kafkaFormat,
                acks.isEmpty() ? "leader" : acks, compression.isEmpty() ? "none" : compression,
                bufferSize > 0 ? (int) Math.min(bufferSize, 1 << 20) : KafkaOutput.DEFAULT_BUFFER_SIZE, tls, dir);
    }

    private static WebhookOutput webhook(PluginConfig c, Path dir) throws ConfigException {
        c.requireOnly(WEBHOOK_KEYS);
        String url = c.string("url", "");
        if (url.isEmpty()) {
            throw c.error("url", "event_recorder webhook output requires a url");
        }
        if (url.equals("<secret>")) {
            // 0.34 reads the shown form as an empty URL (for configs read back from the API), then refuses it.
            throw c.error("url", "event_recorder webhook output requires an absolute http(s) url");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw c.error("url", "url: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw c.error("url", "unsupported scheme \"" + (uri.getScheme() == null ? "" : uri.getScheme()) + "\" for URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw c.error("url", "missing host for URL");
        }
        PluginConfig http = c.block("http_config");
        if (http != null) {
            http.requireOnly(io.promethium.api.http.HttpClientFactory.FIELDS);
            new io.promethium.config.http.KernelHttpClientFactory().validate(http);
        }
        Duration timeout = positive(c.duration("timeout", Duration.ZERO), WebhookOutput.DEFAULT_TIMEOUT);
        int workers = (int) c.integer("workers", 0);
        int maxRetries = (int) c.integer("max_retries", 0);
        Duration backoff = positive(c.duration("retry_backoff", Duration.ZERO), WebhookOutput.DEFAULT_RETRY_BACKOFF);
        boolean batch = c.bool("batch", false);
        long maxEvents = c.integer("batch_max_events", 0);
        long maxBytes = c.integer("batch_max_bytes", 0);
        Duration flush = c.duration("batch_flush_interval", Duration.ZERO);
        if (maxEvents < 0 || maxBytes < 0 || flush.isNegative()) {
            String field = maxEvents < 0 ? "batch_max_events" : maxBytes < 0 ? "batch_max_bytes" : "batch_flush_interval";
            throw c.error(field, "event_recorder webhook batch settings cannot be negative");
        }
        if (!batch && (maxEvents != 0 || maxBytes != 0 || !flush.isZero())) {
            String field = maxEvents != 0 ? "batch_max_events" : maxBytes != 0 ? "batch_max_bytes" : "batch_flush_interval";
            throw c.error(field, "event_recorder webhook batch settings require batch: true");
        }
        return new WebhookOutput(url, http, dir, timeout, workers > 0 ? workers : WebhookOutput.DEFAULT_WORKERS,
                maxRetries > 0 ? maxRetries : WebhookOutput.DEFAULT_MAX_RETRIES, backoff, batch,
                batch && maxEvents > 0 ? (int) Math.min(maxEvents, Integer.MAX_VALUE) : batch ? WebhookOutput.DEFAULT_BATCH_MAX_EVENTS : 0,
                batch && maxBytes > 0 ? (int) Math.min(maxBytes, Integer.MAX_VALUE) : batch ? WebhookOutput.DEFAULT_BATCH_MAX_BYTES : 0,
                batch ? positive(flush, WebhookOutput.DEFAULT_BATCH_FLUSH_INTERVAL) : Duration.ZERO);
    }

    private static Duration positive(Duration d, Duration fallback) {
        return d == null || d.isZero() || d.isNegative() ? fallback : d;
    }

    /** One list item as a located block (each entry's file:line:col known), strict keys checked by the caller. */
    @SuppressWarnings("unchecked")
    private static PluginConfig block(YamlNode item, String key, String type) throws ConfigException {
        if (item instanceof YamlNode.Scalar s && s.isNullOrPlainEmpty()) {
            return new PluginConfig(key, Map.of(), item.location().toString());
        }
        if (!(item instanceof YamlNode.Mapping m)) {
            throw Block.error(item.location(), "cannot unmarshal " + YamlNode.kind(item) + " into " + type);
        }
        Map<String, Object> values = new LinkedHashMap<>((Map<String, Object>) Block.plain(m));
        return new PluginConfig(key, values, m.location().toString(), EntryLocations.of(m));
    }
}
