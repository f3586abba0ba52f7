package io.promethium.discovery.ionos.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.discovery.ionos.internal.CloudApi.object;
import static io.promethium.api.discovery.JsonHttpFetch.sanitize;

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
 * Follows one {@code ionos_sd_configs} block as Prometheus's {@code discovery/ionos} does, over
 * the IONOS Cloud API v6: {@code GET /datacenters/<id>/servers?depth=3} (the servers with their
 * NICs and volumes in one answer); one group {@code ionos}, a target per server with an IP on its
 * first IP (the last NIC's first, as Prometheus orders them) and {@code port}. A failed refresh
 * keeps the last targets.
 */
final class IonosDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_ionos_server_";
    private static final String SEPARATOR = ",";

    private final IonosSdConfig config;
    private final URI endpoint;
    private final JsonHttpFetch<JsonNode> api;
    private final ConfiguredHttpClient http;
    private final IonosSdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;

    IonosDiscoverer(IonosSdConfig config, URI endpoint, ConfiguredHttpClient http, long bodyLimit, IonosSdMetrics metrics, String owner,
                    Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.api = new JsonHttpFetch<>(http, config.refreshInterval(), bodyLimit, CloudApi.JSON::readTree);
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.refresher = new RefreshingDiscoverer("IONOS SD", config.refreshInterval(), threads,
                new DiscoveryFailures("IONOS SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(IonosSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            JsonNode servers = api.get(endpoint.resolve("datacenters/" + URLEncoder.encode(config.datacenterId(), StandardCharsets.UTF_8)
                    .replace("+", "%20") + "/servers?depth=3"));
            JsonNode serversId = object(servers, "id");
            List<Labels> targets = new ArrayList<>();
            for (JsonNode server : items(servers)) {
                Labels labels = server(server, serversId);
                if (labels != null) {
                    targets.add(labels);
                }
            }
            return List.of(new TargetGroup("ionos", targets, Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, IonosSdMetrics.MECHANISM, owner);
        }
    }

    private static Iterable<JsonNode> items(JsonNode collection) {
        JsonNode items = object(collection, "items");
        return items == null || !items.isArray() ? List.of() : items;
    }

    private Labels server(JsonNode server, JsonNode serversId) {
        List<String> ips = new ArrayList<>();
        Map<String, List<String>> ipsByNic = new LinkedHashMap<>();
        for (JsonNode nic : items(object(object(server, "entities"), "nics"))) {
            JsonNode properties = object(nic, "properties");
            if (properties == null) {
                continue;
            }
            JsonNode name = object(properties, "name");
            String nicName = name == null ? "unnamed" : name.asText();
            List<String> nicIps = new ArrayList<>();
            JsonNode addresses = object(properties, "ips");
            if (addresses != null && addresses.isArray()) {
                addresses.forEach(ip -> nicIps.add(ip.asText()));
            }
            // As Prometheus: each NIC's addresses go before those of the NICs before it.
            ips.addAll(0, nicIps);
            ipsByNic.computeIfAbsent(nicName, n -> new ArrayList<>()).addAll(0, nicIps);
        }
        if (ips.isEmpty()) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("__address__", joinHostPort(ips.get(0), config.port()));
        labels.put(PREFIX + "ip", join(ips));
        JsonNode properties = object(server, "properties");
        putIfPresent(labels, "availability_zone", object(properties, "availabilityZone"));
        putIfPresent(labels, "cpu_family", object(properties, "cpuFamily"));
        putIfPresent(labels, "servers_id", serversId);
        putIfPresent(labels, "id", object(server, "id"));
        putIfPresent(labels, "lifecycle", object(object(server, "metadata"), "state"));
        putIfPresent(labels, "name", object(properties, "name"));
        putIfPresent(labels, "state", object(properties, "vmState"));
        putIfPresent(labels, "type", object(properties, "type"));
        ipsByNic.forEach((name, nicIps) -> labels.put(PREFIX + "nic_ip_" + sanitize(name), join(nicIps)));
        putIfPresent(labels, "boot_cdrom_id", object(object(properties, "bootCdrom"), "id"));
        putIfPresent(labels, "boot_volume_id", object(object(properties, "bootVolume"), "id"));
        JsonNode volumes = object(object(object(server, "entities"), "volumes"), "items");
        if (volumes != null && volumes.isArray() && !volumes.isEmpty()) {
            putIfPresent(labels, "boot_image_id", object(object(volumes.get(0), "properties"), "image"));
        }
        return Labels.fromMap(labels);
    }

    private static String join(List<String> values) {
        return SEPARATOR + String.join(SEPARATOR, values) + SEPARATOR;
    }

    private static void putIfPresent(Map<String, String> labels, String name, JsonNode value) {
        if (value != null && !value.isNull()) {
            labels.put(PREFIX + name, value.asText());
        }
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
