package io.promethium.discovery.docker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Follows one {@code docker_sd_configs} block as Prometheus's {@code discovery/moby} does:
 * every {@code refresh_interval} the engine's running containers (with the configured
 * filters) and networks; one group (source {@code Docker}) with a target per container, network
 * and TCP port (or one per network on {@code port}, or {@code host_networking_host} for a
 * container on the host network), labelled {@code __meta_docker_*}. A container sharing another's
 * network ({@code container:<id>}) takes that one's networks; with {@code match_first_network}
 * only the first network by name counts. A failed refresh keeps the last targets, is counted in
 * {@code prometheus_sd_refresh_failures_total{mechanism="docker"}} and logged once per change.
 */
final class DockerDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_docker_";
    static final String CONTAINER = PREFIX + "container_";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DockerSdConfig config;
    private final DockerApi api;
    private final DockerSdMetrics metrics;
    private final String owner;
    private final String containersPath;
    private final RefreshingDiscoverer refresher;

    DockerDiscoverer(DockerSdConfig config, DockerApi api, DockerSdMetrics metrics, String owner, Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.api = Objects.requireNonNull(api, "api is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.containersPath = "/containers/json" + filterQuery(config.filters());
        this.refresher = new RefreshingDiscoverer("Docker SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Docker SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(metrics.mechanism, owner);
    }

    /** Docker's {@code filters} parameter: {@code {"name":{"value":true}}}, keys sorted as Go's JSON writes a map. */
    static String filterQuery(Map<String, Set<String>> filters) {
        if (filters.isEmpty()) {
            return "";
        }
        Map<String, Map<String, Boolean>> json = new TreeMap<>();
        filters.forEach((name, values) -> {
            Map<String, Boolean> set = new TreeMap<>();
            values.forEach(v -> set.put(v, true));
            json.put(name, set);
        });
        try {
            return "?filters=" + URLEncoder.encode(JSON.writeValueAsString(json), StandardCharsets.UTF_8)
                    .replace("*", "%2A").replace("%7E", "~");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            JsonNode containers;
            try {
                containers = api.get(containersPath);
            } catch (IOException e) {
                throw new IOException("error while listing containers: " + e.getMessage(), e);
            }
            JsonNode networks;
            try {
                networks = api.get("/networks");
            } catch (IOException e) {
                throw new IOException("error while computing network labels: " + e.getMessage(), e);
            }
            return List.of(group(containers, networks));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, metrics.mechanism, owner);
        }
    }

    /** Prometheus's {@code getNetworksLabels}: each network's labels by id. */
    static Map<String, Map<String, String>> networkLabels(JsonNode networks, String prefix) throws IOException {
        Map<String, Map<String, String>> labels = new HashMap<>();
        for (JsonNode network : array(networks, "networks")) {
            Map<String, String> l = new LinkedHashMap<>();
            String id = text(network, "Id");
            l.put(prefix + "network_id", id);
            l.put(prefix + "network_name", text(network, "Name"));
            l.put(prefix + "network_scope", text(network, "Scope"));
            l.put(prefix + "network_internal", Boolean.toString(network.path("Internal").asBoolean(false)));
            l.put(prefix + "network_ingress", Boolean.toString(network.path("Ingress").asBoolean(false)));
            forEach(network.path("Labels"), (k, v) -> l.put(prefix + "network_label_" + sanitize(k), v));
            labels.put(id, l);
        }
        return labels;
    }

    TargetGroup group(JsonNode containers, JsonNode networks) throws IOException {
        Map<String, Map<String, String>> networkLabels = networkLabels(networks, PREFIX);
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode c : array(containers, "containers")) {
            byId.put(text(c, "Id"), c);
        }
        List<Labels> targets = new ArrayList<>();
        for (JsonNode c : array(containers, "containers")) {
            JsonNode names = c.path("Names");
            if (!names.isArray() || names.isEmpty()) {
                continue;
            }
            String networkMode = c.path("HostConfig").path("NetworkMode").asText("");
            Map<String, String> common = new LinkedHashMap<>();
            common.put(CONTAINER + "id", text(c, "Id"));
            common.put(CONTAINER + "name", names.get(0).asText(""));
            common.put(CONTAINER + "network_mode", networkMode);
            if (!text(c, "Image").isEmpty()) {
                common.put(CONTAINER + "image", text(c, "Image"));
            }
            if (!text(c, "ImageID").isEmpty()) {
                common.put(CONTAINER + "image_id", text(c, "ImageID"));
            }
            forEach(c.path("Labels"), (k, v) -> common.put(CONTAINER + "label_" + sanitize(k), v));

            JsonNode nets = c.path("NetworkSettings").path("Networks");
            String mode = networkMode;
            if (size(nets) == 0) {
                // Sharing another container's network stack: use that one's networks (following a chain).
                while (mode.startsWith("container:")) {
                    JsonNode other = byId.get(mode.substring("container:".length()));
                    if (other == null) {
                        break;
                    }
                    nets = other.path("NetworkSettings").path("Networks");
                    mode = other.path("HostConfig").path("NetworkMode").asText("");
                    if (size(nets) > 0) {
                        break;
                    }
                }
            }
            Map<String, JsonNode> chosen = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = nets.isObject() ? nets.fields() : java.util.Collections.emptyIterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                chosen.put(e.getKey(), e.getValue());
            }
            if (config.matchFirstNetwork() && chosen.size() > 1) {
                String first = null;
                for (Map.Entry<String, JsonNode> e : chosen.entrySet()) {
                    if (!e.getValue().isNull()) {
                        first = e.getKey();
                        break;
                    }
                }
                if (first != null) {
                    JsonNode n = chosen.get(first);
                    chosen.clear();
                    chosen.put(first, n);
                }
            }
            for (JsonNode n : chosen.values()) {
                if (n == null || n.isNull()) {
                    continue;
                }
                String ip = text(n, "IPAddress");
                if (ip.isEmpty()) {
                    ip = text(n, "GlobalIPv6Address");
                }
                Map<String, String> netLabels = networkLabels.getOrDefault(text(n, "NetworkID"), Map.of());
                boolean added = false;
                for (JsonNode p : array(c.path("Ports"), "Ports")) {
                    if (!"tcp".equals(text(p, "Type"))) {
                        continue;
                    }
                    long privatePort = p.path("PrivatePort").asLong(0);
                    Map<String, String> labels = new LinkedHashMap<>();
                    labels.put(PREFIX + "network_ip", ip);
                    labels.put(PREFIX + "port_private", Long.toString(privatePort));
                    long publicPort = p.path("PublicPort").asLong(0);
                    if (publicPort > 0) {
                        labels.put(PREFIX + "port_public", Long.toString(publicPort));
                        labels.put(PREFIX + "port_public_ip", text(p, "IP"));
                    }
                    labels.putAll(common);
                    labels.putAll(netLabels);
                    labels.put("__address__", join(ip, privatePort));
                    targets.add(Labels.fromMap(labels));
                    added = true;
                }
                if (!added) {
                    Map<String, String> labels = new LinkedHashMap<>();
                    labels.put(PREFIX + "network_ip", ip);
                    labels.putAll(common);
                    labels.putAll(netLabels);
                    labels.put("__address__", networkMode.equals("host") ? config.hostNetworkingHost() : join(ip, config.port()));
                    targets.add(Labels.fromMap(labels));
                }
            }
        }
        return new TargetGroup("Docker", targets, Labels.EMPTY);
    }

    private static String join(String host, long port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static int size(JsonNode node) {
        return node != null && node.isObject() ? node.size() : 0;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText("");
    }

    static JsonNode array(JsonNode node, String what) throws IOException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return JSON.createArrayNode();
        }
        if (!node.isArray()) {
            throw new IOException("json: cannot unmarshal " + node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                    + " into the list of " + what);
        }
        return node;
    }

    static void forEach(JsonNode map, java.util.function.BiConsumer<String, String> action) {
        if (map != null && map.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = map.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                action.accept(e.getKey(), e.getValue().asText(""));
            }
        }
    }

    /** Prometheus's {@code SanitizeLabelName}: every character outside {@code [a-zA-Z0-9_]} becomes {@code _}. */
    static String sanitize(String key) {
        StringBuilder sb = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            sb.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        refresher.close();
        api.close();
    }
}
