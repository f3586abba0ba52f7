package io.promethium.discovery.hetzner.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.discovery.hetzner.internal.CloudApi.list;
import static io.promethium.discovery.hetzner.internal.CloudApi.object;
import static io.promethium.api.discovery.JsonHttpFetch.sanitize;
import static io.promethium.discovery.hetzner.internal.CloudApi.text;

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
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Follows one {@code hetzner_sd_configs} block as Prometheus's {@code discovery/hetzner} does.
 * Role {@code hcloud}: the Cloud API's {@code GET /servers?page=N&per_page=50} (with
 * {@code label_selector}) and {@code GET /networks}, each followed through
 * {@code meta.pagination.next_page}; a target per server on its public IPv4 and {@code port}.
 * Role {@code robot}: Robot's {@code GET /server}, a target per server on its main IP. One group
 * {@code hetzner}. A failed refresh keeps the last targets.
 */
final class HetznerDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_hetzner_";
    static final String HCLOUD = PREFIX + "hcloud_";
    static final String ROBOT = PREFIX + "robot_";
    /** What Go prints for a nil {@code net.IP}/{@code *net.IPNet}, which Prometheus puts in labels for a server without one. */
    private static final String GO_NIL = "<nil>";

    private final HetznerSdConfig config;
    private final String endpoint;
    private final JsonHttpFetch<JsonNode> api;
    private final ConfiguredHttpClient http;
    private final HetznerSdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;

    HetznerDiscoverer(HetznerSdConfig config, String endpoint, ConfiguredHttpClient http, long bodyLimit, HetznerSdMetrics metrics,
                      String owner, Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.api = new JsonHttpFetch<>(http, config.refreshInterval(), bodyLimit, CloudApi.JSON::readTree);
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.refresher = new RefreshingDiscoverer("Hetzner SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Hetzner SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(HetznerSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            return List.of(new TargetGroup("hetzner", config.role().equals("hcloud") ? hcloud() : robot(), Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, HetznerSdMetrics.MECHANISM, owner);
        }
    }

    // --- hcloud

    /** Every item of a paginated Cloud API list (hcloud-go's {@code All}: from page 1 while {@code next_page} is set). */
    private List<JsonNode> all(String path, String field, String selector) throws IOException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        long page = 1;
        while (true) {
            String query = "?page=" + page + "&per_page=50"
                    + (selector.isEmpty() ? "" : "&label_selector=" + URLEncoder.encode(selector, StandardCharsets.UTF_8));
            JsonNode answer = api.get(URI.create(endpoint + path + query));
            for (JsonNode item : list(answer, field)) {
                items.add(item);
            }
            JsonNode next = object(object(object(answer, "meta"), "pagination"), "next_page");
            if (next == null || !next.canConvertToLong() || next.asLong() == 0) {
                return items;
            }
            page = next.asLong();
        }
    }

    private List<Labels> hcloud() throws IOException, InterruptedException {
        List<JsonNode> servers = all("/servers", "servers", config.labelSelector());
        Map<String, String> networks = new HashMap<>();
        for (JsonNode network : all("/networks", "networks", "")) {
            networks.put(text(network, "id"), text(network, "name"));
        }
        List<Labels> targets = new ArrayList<>();
        for (JsonNode server : servers) {
            Map<String, String> labels = new LinkedHashMap<>();
            JsonNode publicNet = object(server, "public_net");
            JsonNode ipv4 = object(publicNet, "ipv4");
            JsonNode ipv6 = object(publicNet, "ipv6");
            String publicIpv4 = ipv4 == null || text(ipv4, "ip").isEmpty() ? GO_NIL : text(ipv4, "ip");
            labels.put(PREFIX + "role", "hcloud");
            labels.put(PREFIX + "server_id", text(server, "id"));
            labels.put(PREFIX + "server_name", text(server, "name"));
            labels.put(PREFIX + "public_ipv4", publicIpv4);
            labels.put(PREFIX + "public_ipv6_network", ipv6 == null || text(ipv6, "ip").isEmpty() ? GO_NIL : text(ipv6, "ip"));
            labels.put(PREFIX + "server_status", text(server, "status"));
            JsonNode location = object(server, "location");
            labels.put(HCLOUD + "location", text(location, "name"));
            labels.put(HCLOUD + "location_network_zone", text(location, "network_zone"));
            // Label names Prometheus keeps for backward compatibility, now with the location's values.
            labels.put(HCLOUD + "datacenter_location", text(location, "name"));
            labels.put(HCLOUD + "datacenter_location_network_zone", text(location, "network_zone"));
            JsonNode type = object(server, "server_type");
            labels.put(HCLOUD + "server_type", text(type, "name"));
            labels.put(HCLOUD + "cpu_cores", integer(type, "cores"));
            labels.put(HCLOUD + "cpu_type", text(type, "cpu_type"));
            labels.put(HCLOUD + "memory_size_gb", integer(type, "memory"));
            labels.put(HCLOUD + "disk_size_gb", integer(type, "disk"));
            labels.put("__address__", joinHostPort(publicIpv4, config.port()));
            JsonNode image = object(server, "image");
            if (image != null) {
                labels.put(HCLOUD + "image_name", text(image, "name"));
                labels.put(HCLOUD + "image_description", text(image, "description"));
                labels.put(HCLOUD + "image_os_version", text(image, "os_version"));
                labels.put(HCLOUD + "image_os_flavor", text(image, "os_flavor"));
            }
            for (JsonNode privateNet : list(server, "private_net")) {
                String name = networks.get(text(privateNet, "network"));
                if (name != null) {
                    labels.put(HCLOUD + "private_ipv4_" + sanitize(name), text(privateNet, "ip"));
                }
            }
            JsonNode serverLabels = object(server, "labels");
            if (serverLabels != null && serverLabels.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> fields = serverLabels.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    labels.put(HCLOUD + "labelpresent_" + sanitize(field.getKey()), "true");
                    labels.put(HCLOUD + "label_" + sanitize(field.getKey()), field.getValue().isNull() ? "" : field.getValue().asText());
                }
            }
            targets.add(Labels.fromMap(labels));
        }
        return targets;
    }

    /** A number as Go's {@code strconv.Itoa(int(x))} prints it (hcloud-go reads memory as a float32: truncated). */
    private static String integer(JsonNode node, String name) {
        JsonNode value = object(node, name);
        return value == null || !value.isNumber() ? "0" : Long.toString(value.longValue());
    }

    // --- robot

    private List<Labels> robot() throws IOException, InterruptedException {
        JsonNode servers = api.get(URI.create(endpoint + "/server"));
        if (!servers.isArray() && !servers.isNull()) {
            throw new IOException("json: cannot unmarshal " + servers.getNodeType().toString().toLowerCase(Locale.ROOT)
                    + " into Go value of type hetzner.serversList");
        }
        List<Labels> targets = new ArrayList<>();
        for (JsonNode entry : servers) {
            JsonNode server = object(entry, "server");
            Map<String, String> labels = new LinkedHashMap<>();
            String ip = text(server, "server_ip");
            String dc = text(server, "dc").toLowerCase(Locale.ROOT);
            labels.put(PREFIX + "role", "robot");
            labels.put(PREFIX + "server_id", integer(server, "server_number"));
            labels.put(PREFIX + "server_name", text(server, "server_name"));
            // Label name kept for backward compatibility by Prometheus.
            labels.put(PREFIX + "datacenter", dc);
            labels.put(PREFIX + "public_ipv4", ip);
            labels.put(PREFIX + "server_status", text(server, "status"));
            labels.put(ROBOT + "datacenter", dc);
            labels.put(ROBOT + "product", text(server, "product"));
            JsonNode cancelled = object(server, "cancelled");
            labels.put(ROBOT + "cancelled", Boolean.toString(cancelled != null && cancelled.asBoolean()));
            labels.put("__address__", joinHostPort(ip, config.port()));
            for (JsonNode subnet : list(server, "subnet")) {
                // The first subnet that is no IPv4 one (Go's To4() == nil, which an unparsable address also is).
                String subnetIp = text(subnet, "ip");
                if (!isIpv4(subnetIp)) {
                    labels.put(PREFIX + "public_ipv6_network", subnetIp + "/" + text(subnet, "mask"));
                    break;
                }
            }
            targets.add(Labels.fromMap(labels));
        }
        return targets;
    }

    private static boolean isIpv4(String ip) {
        String[] parts = ip.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit) || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
