package io.promethium.discovery.scaleway.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.discovery.scaleway.internal.CloudApi.list;
import static io.promethium.discovery.scaleway.internal.CloudApi.object;
import static io.promethium.discovery.scaleway.internal.CloudApi.text;

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
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Follows one {@code scaleway_sd_configs} block as Prometheus's {@code discovery/scaleway} does,
 * over Scaleway's APIs with the secret key in {@code X-Auth-Token} (a {@code secret_key_file} read
 * for every request). Role {@code instance}: the zone's servers
 * ({@code /instance/v1/zones/<zone>/servers}, every page, {@code name}/{@code tags} filters), and
 * for servers with no address of their own the addresses of their private NICs from IPAM
 * ({@code /ipam/v1/regions/<region>/ips}); a target per server with an address. Role
 * {@code baremetal}: the zone's Elastic Metal servers with their offers and operating systems; a
 * target per server. One group {@code scaleway}. A failed refresh keeps the last targets.
 */
final class ScalewayDiscoverer implements Discoverer {

    static final String INSTANCE = "__meta_scaleway_instance_";
    static final String BAREMETAL = "__meta_scaleway_baremetal_";
    private static final String SEPARATOR = ",";

    private final ScalewaySdConfig config;
    private final JsonHttpFetch<JsonNode> api;
    private final ConfiguredHttpClient http;
    private final ScalewaySdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;

    ScalewayDiscoverer(ScalewaySdConfig config, ConfiguredHttpClient http, long bodyLimit, ScalewaySdMetrics metrics, String owner,
                       Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.api = new JsonHttpFetch<>(http, config.refreshInterval(), bodyLimit, CloudApi.JSON::readTree);
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.refresher = new RefreshingDiscoverer("Scaleway SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Scaleway SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(ScalewaySdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            return List.of(new TargetGroup("scaleway", config.role().equals("instance") ? instances() : baremetal(), Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, ScalewaySdMetrics.MECHANISM, owner);
        }
    }

    private String token() throws IOException {
        if (config.secretKeyFile() == null) {
            return config.secretKey();
        }
        try {
            return Files.readString(config.secretKeyFile()).strip();
        } catch (IOException e) {
            throw new IOException("unable to read auth token file " + config.secretKeyFile() + ": " + e.getMessage(), e);
        }
    }

    /** Every item of a list, as the SDK's {@code WithAllPages}: page 1, 2, ... until {@code total_count} items came (or a page is empty). */
    private List<JsonNode> all(String path, String field, String query) throws IOException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        for (int page = 1; ; page++) {
            JsonNode answer = api.get(URI.create(config.apiUrl() + path + "?" + query + (query.isEmpty() ? "" : "&") + "page=" + page),
                    "X-Auth-Token", token());
            int before = items.size();
            list(answer, field).forEach(items::add);
            long total = answer.path("total_count").asLong(items.size());
            if (items.size() == before || items.size() >= total) {
                return items;
            }
        }
    }

    private String filters() {
        StringBuilder query = new StringBuilder();
        if (!config.nameFilter().isEmpty()) {
            query.append("name=").append(URLEncoder.encode(config.nameFilter(), StandardCharsets.UTF_8));
        }
        if (config.tagsFilter() != null) {
            query.append(query.isEmpty() ? "" : "&").append("tags=")
                    .append(URLEncoder.encode(String.join(",", config.tagsFilter()), StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    private List<Labels> instances() throws IOException, InterruptedException {
        List<JsonNode> servers = all("/instance/v1/zones/" + config.zone() + "/servers", "servers", filters());
        Map<String, String> nicIps = privateNicIps(servers);
        List<Labels> targets = new ArrayList<>();
        for (JsonNode server : servers) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put(INSTANCE + "boot_type", text(server, "boot_type"));
            labels.put(INSTANCE + "hostname", text(server, "hostname"));
            labels.put(INSTANCE + "id", text(server, "id"));
            labels.put(INSTANCE + "name", text(server, "name"));
            labels.put(INSTANCE + "organization_id", text(server, "organization"));
            labels.put(INSTANCE + "project_id", text(server, "project"));
            labels.put(INSTANCE + "status", text(server, "state"));
            labels.put(INSTANCE + "type", text(server, "commercial_type"));
            String zone = text(server, "zone");
            labels.put(INSTANCE + "zone", zone);
            JsonNode image = object(server, "image");
            if (image != null) {
                labels.put(INSTANCE + "image_arch", text(image, "arch"));
                labels.put(INSTANCE + "image_id", text(image, "id"));
                labels.put(INSTANCE + "image_name", text(image, "name"));
            }
            JsonNode location = object(server, "location");
            if (location != null) {
                labels.put(INSTANCE + "location_cluster_id", text(location, "cluster_id"));
                labels.put(INSTANCE + "location_hypervisor_id", text(location, "hypervisor_id"));
                labels.put(INSTANCE + "location_node_id", text(location, "node_id"));
            }
            JsonNode group = object(server, "security_group");
            if (group != null) {
                labels.put(INSTANCE + "security_group_id", text(group, "id"));
                labels.put(INSTANCE + "security_group_name", text(group, "name"));
            }
            String region = region(zone);
            if (region != null) {
                labels.put(INSTANCE + "region", region);
            }
            List<String> tags = strings(server, "tags");
            if (!tags.isEmpty()) {
                labels.put(INSTANCE + "tags", SEPARATOR + String.join(SEPARATOR, tags) + SEPARATOR);
            }
            List<String> ipv4 = new ArrayList<>();
            List<String> ipv6 = new ArrayList<>();
            for (JsonNode ip : list(server, "public_ips")) {
                switch (text(ip, "family")) {
                    case "inet" -> ipv4.add(text(ip, "address"));
                    case "inet6" -> ipv6.add(text(ip, "address"));
                    default -> { }
                }
            }
            if (!ipv6.isEmpty()) {
                labels.put(INSTANCE + "public_ipv6_addresses", SEPARATOR + String.join(SEPARATOR, ipv6) + SEPARATOR);
            }
            if (!ipv4.isEmpty()) {
                labels.put(INSTANCE + "public_ipv4_addresses", SEPARATOR + String.join(SEPARATOR, ipv4) + SEPARATOR);
            }
            // The address: the private IPv4, else the public IP, else the IPv6 (the last one set wins, as Prometheus).
            String address = "";
            JsonNode legacyIpv6 = object(server, "ipv6");
            if (legacyIpv6 != null) {
                labels.put(INSTANCE + "public_ipv6", text(legacyIpv6, "address"));
                address = text(legacyIpv6, "address");
            }
            JsonNode publicIp = object(server, "public_ip");
            if (publicIp != null) {
                if (!text(publicIp, "family").equals("inet6")) {
                    labels.put(INSTANCE + "public_ipv4", text(publicIp, "address"));
                }
                address = text(publicIp, "address");
            }
            JsonNode privateIp = object(server, "private_ip");
            if (privateIp != null) {
                labels.put(INSTANCE + "private_ipv4", privateIp.asText());
                address = privateIp.asText();
            }
            if (address.isEmpty()) {
                for (JsonNode nic : list(server, "private_nics")) {
                    String ip = nicIps.get(text(nic, "id"));
                    if (ip != null && !ip.isEmpty()) {
                        labels.put(INSTANCE + "private_ipv4", ip);
                        address = ip;
                        break;
                    }
                }
            }
            if (!address.isEmpty()) {
                labels.put("__address__", joinHostPort(address, config.port()));
                targets.add(Labels.fromMap(labels));
            }
        }
        return targets;
    }

    /** IPAM's IPv4 addresses of the private NICs of servers that have no address of their own, by NIC id. */
    private Map<String, String> privateNicIps(List<JsonNode> servers) throws IOException, InterruptedException {
        Map<String, List<String>> nicsByRegion = new LinkedHashMap<>();
        for (JsonNode server : servers) {
            if (object(server, "private_ip") != null || object(server, "public_ip") != null || object(server, "ipv6") != null) {
                continue;
            }
            String region = region(text(server, "zone"));
            if (region == null) {
                throw new IOException("invalid zone \"" + text(server, "zone") + "\" of server " + text(server, "id"));
            }
            for (JsonNode nic : list(server, "private_nics")) {
                if (!text(nic, "id").isEmpty()) {
                    nicsByRegion.computeIfAbsent(region, r -> new ArrayList<>()).add(text(nic, "id"));
                }
            }
        }
        Map<String, String> ips = new HashMap<>();
        for (Map.Entry<String, List<String>> entry : nicsByRegion.entrySet()) {
            String query = "resource_ids=" + URLEncoder.encode(String.join(",", entry.getValue()), StandardCharsets.UTF_8)
                    + "&resource_types=instance_private_nic";
            for (JsonNode ip : all("/ipam/v1/regions/" + entry.getKey() + "/ips", "ips", query)) {
                JsonNode resource = object(ip, "resource");
                String address = text(ip, "address");
                if (resource != null && !ip.path("is_ipv6").asBoolean(false) && !address.isEmpty()) {
                    int slash = address.indexOf('/');
                    ips.put(text(resource, "id"), slash < 0 ? address : address.substring(0, slash));
                }
            }
        }
        return ips;
    }

    private List<Labels> baremetal() throws IOException, InterruptedException {
        String zone = "/baremetal/v1/zones/" + config.zone();
        List<JsonNode> servers = all(zone + "/servers", "servers", filters());
        List<JsonNode> offers = all(zone + "/offers", "offers", "");
        List<JsonNode> systems = all(zone + "/os", "os", "");
        List<Labels> targets = new ArrayList<>();
        for (JsonNode server : servers) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put(BAREMETAL + "id", text(server, "id"));
            labels.put(BAREMETAL + "name", text(server, "name"));
            labels.put(BAREMETAL + "zone", text(server, "zone"));
            labels.put(BAREMETAL + "status", text(server, "status"));
            labels.put(BAREMETAL + "project_id", text(server, "project_id"));
            for (JsonNode offer : offers) {
                if (text(offer, "id").equals(text(server, "offer_id"))) {
                    labels.put(BAREMETAL + "type", text(offer, "name"));
                    break;
                }
            }
            JsonNode install = object(server, "install");
            if (install != null) {
                for (JsonNode os : systems) {
                    if (text(os, "id").equals(text(install, "os_id"))) {
                        labels.put(BAREMETAL + "os_name", text(os, "name"));
                        labels.put(BAREMETAL + "os_version", text(os, "version"));
                        break;
                    }
                }
            }
            List<String> tags = strings(server, "tags");
            if (!tags.isEmpty()) {
                labels.put(BAREMETAL + "tags", SEPARATOR + String.join(SEPARATOR, tags) + SEPARATOR);
            }
            for (JsonNode ip : list(server, "ips")) {
                String version = text(ip, "version");
                String address = text(ip, "address");
                switch (version) {
                    case "IPv4" -> {
                        if (labels.putIfAbsent(BAREMETAL + "public_ipv4", address) == null) {
                            labels.put("__address__", joinHostPort(address, config.port()));
                        }
                    }
                    case "IPv6" -> {
                        if (labels.putIfAbsent(BAREMETAL + "public_ipv6", address) == null) {
                            labels.putIfAbsent("__address__", joinHostPort(address, config.port()));
                        }
                    }
                    default -> throw new IOException("unknown IP version: " + version);
                }
            }
            targets.add(Labels.fromMap(labels));
        }
        return targets;
    }

    private static List<String> strings(JsonNode node, String name) throws IOException {
        List<String> values = new ArrayList<>();
        list(node, name).forEach(v -> values.add(v.asText()));
        return values;
    }

    /** Scaleway's {@code Zone.Region}: {@code fr-par-1} is in {@code fr-par}; null for a zone of another shape. */
    static String region(String zone) {
        int dash = zone.lastIndexOf('-');
        if (dash <= 0 || dash == zone.length() - 1 || !zone.substring(dash + 1).chars().allMatch(Character::isDigit)
                || zone.indexOf('-') == dash) {
            return null;
        }
        return zone.substring(0, dash);
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
