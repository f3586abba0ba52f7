package io.promethium.discovery.vultr.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.discovery.vultr.internal.CloudApi.list;
import static io.promethium.discovery.vultr.internal.CloudApi.object;
import static io.promethium.discovery.vultr.internal.CloudApi.text;

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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Follows one {@code vultr_sd_configs} block as Prometheus's {@code discovery/vultr} does, over
 * Vultr's API v2: {@code GET /v2/instances?per_page=100}, then with {@code cursor} set to the
 * answer's {@code meta.links.next} until it is empty; one group {@code Vultr}, a target per
 * instance on its main IP and {@code port}. A failed refresh keeps the last targets.
 */
final class VultrDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_vultr_instance_";
    private static final String SEPARATOR = ",";

    private final VultrSdConfig config;
    private final URI endpoint;
    private final JsonHttpFetch<JsonNode> api;
    private final ConfiguredHttpClient http;
    private final VultrSdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;

    VultrDiscoverer(VultrSdConfig config, URI endpoint, ConfiguredHttpClient http, long bodyLimit, VultrSdMetrics metrics, String owner,
                    Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.api = new JsonHttpFetch<>(http, config.refreshInterval(), bodyLimit, CloudApi.JSON::readTree);
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.refresher = new RefreshingDiscoverer("Vultr SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Vultr SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(VultrSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            List<Labels> targets = new ArrayList<>();
            String cursor = "";
            do {
                JsonNode answer = api.get(endpoint.resolve("v2/instances?"
                        + (cursor.isEmpty() ? "" : "cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8) + "&") + "per_page=100"));
                for (JsonNode instance : list(answer, "instances")) {
                    targets.add(instance(instance));
                }
                cursor = text(object(object(answer, "meta"), "links"), "next");
            } while (!cursor.isEmpty());
            return List.of(new TargetGroup("Vultr", targets, Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, VultrSdMetrics.MECHANISM, owner);
        }
    }

    private Labels instance(JsonNode instance) {
        Map<String, String> labels = new LinkedHashMap<>();
        String mainIp = text(instance, "main_ip");
        labels.put(PREFIX + "id", text(instance, "id"));
        labels.put(PREFIX + "label", text(instance, "label"));
        labels.put(PREFIX + "os", text(instance, "os"));
        labels.put(PREFIX + "os_id", integer(instance, "os_id"));
        labels.put(PREFIX + "region", text(instance, "region"));
        labels.put(PREFIX + "plan", text(instance, "plan"));
        labels.put(PREFIX + "vcpu_count", integer(instance, "vcpu_count"));
        labels.put(PREFIX + "ram_mb", integer(instance, "ram"));
        labels.put(PREFIX + "allowed_bandwidth_gb", integer(instance, "allowed_bandwidth"));
        labels.put(PREFIX + "disk_gb", integer(instance, "disk"));
        labels.put(PREFIX + "main_ip", mainIp);
        labels.put(PREFIX + "main_ipv6", text(instance, "v6_main_ip"));
        labels.put(PREFIX + "internal_ip", text(instance, "internal_ip"));
        labels.put(PREFIX + "hostname", text(instance, "hostname"));
        labels.put(PREFIX + "server_status", text(instance, "server_status"));
        labels.put("__address__", joinHostPort(mainIp, config.port()));
        // Surrounded by the separator, so relabeling regexes need not care where an entry sits.
        String features = joined(object(instance, "features"));
        if (!features.isEmpty()) {
            labels.put(PREFIX + "features", features);
        }
        String tags = joined(object(instance, "tags"));
        if (!tags.isEmpty()) {
            labels.put(PREFIX + "tags", tags);
        }
        return Labels.fromMap(labels);
    }

    private static String integer(JsonNode node, String name) {
        JsonNode value = object(node, name);
        return value == null || !value.isNumber() ? "0" : Long.toString(value.longValue());
    }

    private static String joined(JsonNode values) {
        if (values == null || !values.isArray() || values.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        values.forEach(v -> parts.add(v.asText()));
        return SEPARATOR + String.join(SEPARATOR, parts) + SEPARATOR;
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
