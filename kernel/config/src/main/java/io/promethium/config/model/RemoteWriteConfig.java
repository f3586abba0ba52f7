package io.promethium.config.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** One entry of {@code remote_write:}. */
public record RemoteWriteConfig(
        String url,
        String name,
        Duration remoteTimeout,
        Map<String, String> headers,
        List<RelabelConfig> writeRelabelConfigs,
        boolean sendExemplars,
        QueueConfig queue,
        HttpClientConfig httpClient) {

    public RemoteWriteConfig {
        Objects.requireNonNull(url, "url is null");
        name = name == null ? "" : name;
        Objects.requireNonNull(remoteTimeout, "remoteTimeout is null");
        headers = Map.copyOf(headers);
        writeRelabelConfigs = List.copyOf(writeRelabelConfigs);
        Objects.requireNonNull(queue, "queue is null");
        Objects.requireNonNull(httpClient, "httpClient is null");
    }

    /** {@code queue_config:} with Prometheus's defaults. */
    public record QueueConfig(int capacity, int maxShards, int minShards, int maxSamplesPerSend,
                              Duration batchSendDeadline, Duration minBackoff, Duration maxBackoff,
                              boolean retryOnHttp429, Duration sampleAgeLimit) {
        public static final QueueConfig DEFAULT = new QueueConfig(10_000, 50, 1, 2_000, Duration.ofSeconds(5),
                Duration.ofMillis(30), Duration.ofSeconds(5), true, Duration.ZERO);
    }
}
