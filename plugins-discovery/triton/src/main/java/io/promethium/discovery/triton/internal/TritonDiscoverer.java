package io.promethium.discovery.triton.internal;

import static io.promethium.discovery.triton.internal.CloudApi.list;
import static io.promethium.discovery.triton.internal.CloudApi.text;

import io.promethium.api.discovery.JsonHttpFetch;
import com.fasterxml.jackson.databind.JsonNode;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Follows one {@code triton_sd_configs} block as Prometheus's {@code discovery/triton} does:
 * {@code GET https://<endpoint>:<port>/v<version>/discover} (role {@code container}) or
 * {@code .../gz/discover} (role {@code cn}), with {@code groups} as a query; one group whose source
 * is that URL, a target per container or compute node on {@code <uuid>.<dns_suffix>:<port>}.
 * A failed refresh keeps the last targets.
 */
final class TritonDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_triton_";

    private final TritonSdConfig config;
    private final JsonHttpFetch<JsonNode> api;
    private final ConfiguredHttpClient http;
    private final TritonSdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;

    TritonDiscoverer(TritonSdConfig config, ConfiguredHttpClient http, long bodyLimit, TritonSdMetrics metrics, String owner, Logger log,
                     ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.api = new JsonHttpFetch<>(http, config.refreshInterval(), bodyLimit, CloudApi.JSON::readTree);
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.refresher = new RefreshingDiscoverer("Triton SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Triton SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(TritonSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            String url = config.url();
            JsonNode answer;
            try {
                answer = api.get(URI.create(url));
            } catch (IOException e) {
                throw new IOException("an error occurred when requesting targets from the discovery endpoint: " + e.getMessage(), e);
            }
            List<Labels> targets = new ArrayList<>();
            if (config.role().equals("container")) {
                for (JsonNode container : list(answer, "containers")) {
                    Map<String, String> labels = new LinkedHashMap<>();
                    labels.put(PREFIX + "machine_id", text(container, "vm_uuid"));
                    labels.put(PREFIX + "machine_alias", text(container, "vm_alias"));
                    labels.put(PREFIX + "machine_brand", text(container, "vm_brand"));
                    labels.put(PREFIX + "machine_image", text(container, "vm_image_uuid"));
                    labels.put(PREFIX + "server_id", text(container, "server_uuid"));
                    labels.put("__address__", text(container, "vm_uuid") + "." + config.dnsSuffix() + ":" + config.port());
                    List<String> groups = new ArrayList<>();
                    list(container, "groups").forEach(g -> groups.add(g.asText()));
                    if (!groups.isEmpty()) {
                        labels.put(PREFIX + "groups", "," + String.join(",", groups) + ",");
                    }
                    targets.add(Labels.fromMap(labels));
                }
            } else {
                for (JsonNode cn : list(answer, "cns")) {
                    targets.add(Labels.fromMap(Map.of(PREFIX + "machine_id", text(cn, "server_uuid"), PREFIX + "machine_alias",
                            text(cn, "server_hostname"), "__address__", text(cn, "server_uuid") + "." + config.dnsSuffix() + ":"
                                    + config.port())));
                }
            }
            return List.of(new TargetGroup(url, targets, Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, TritonSdMetrics.MECHANISM, owner);
        }
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
