package io.promethium.discovery.digitalocean.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.discovery.digitalocean.internal.CloudApi.list;
import static io.promethium.discovery.digitalocean.internal.CloudApi.object;
import static io.promethium.discovery.digitalocean.internal.CloudApi.text;

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
 * Follows one {@code digitalocean_sd_configs} block as Prometheus's {@code discovery/digitalocean}
 * does, over DigitalOcean's REST API (v2). Role {@code droplets}: {@code GET /v2/droplets}, then
 * {@code ?page=N} while the answer's {@code links.pages.last} is set; one group
 * {@code DigitalOcean}, a target per droplet with an IPv4 network on its public IPv4 and
 * {@code port}. Role {@code databases}: {@code GET /v2/databases?page=N&per_page=100} from page 1
 * until a page is empty; one group {@code DigitalOcean Databases}, a target per cluster on its
 * private host (else its public one). A failed refresh keeps the last targets.
 */
final class DigitaloceanDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_digitalocean_";
    private static final String SEPARATOR = ",";

    private final DigitaloceanSdConfig config;
    private final URI endpoint;
    private final JsonHttpFetch<JsonNode> api;
    private final ConfiguredHttpClient http;
    private final DigitaloceanSdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;

    DigitaloceanDiscoverer(DigitaloceanSdConfig config, URI endpoint, ConfiguredHttpClient http, long bodyLimit,
                           DigitaloceanSdMetrics metrics, String owner, Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.api = new JsonHttpFetch<>(http, config.refreshInterval(), bodyLimit, CloudApi.JSON::readTree);
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.refresher = new RefreshingDiscoverer("DigitalOcean SD", config.refreshInterval(), threads,
                new DiscoveryFailures("DigitalOcean SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(DigitaloceanSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            return List.of(config.role().equals("databases") ? databases() : droplets());
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, DigitaloceanSdMetrics.MECHANISM, owner);
        }
    }

    private TargetGroup droplets() throws IOException, InterruptedException {
        List<Labels> targets = new ArrayList<>();
        int page = 0;
        while (true) {
            JsonNode answer;
            try {
                answer = api.get(endpoint.resolve("v2/droplets" + (page == 0 ? "" : "?page=" + page)));
            } catch (IOException e) {
                throw new IOException("error while listing droplets page " + page + ": " + e.getMessage(), e);
            }
            for (JsonNode droplet : list(answer, "droplets")) {
                Labels labels = droplet(droplet);
                if (labels != null) {
                    targets.add(labels);
                }
            }
            JsonNode pages = object(object(answer, "links"), "pages");
            // godo's Links.IsLastPage: no pages, or no link to the last one.
            if (pages == null || text(pages, "last").isEmpty()) {
                break;
            }
            page = currentPage(pages) + 1;
        }
        return new TargetGroup("DigitalOcean", targets, Labels.EMPTY);
    }

    /** godo's {@code Links.CurrentPage}: the page after the {@code prev} link's, else 1. */
    private static int currentPage(JsonNode pages) throws IOException {
        String prev = text(pages, "prev");
        if (prev.isEmpty()) {
            return 1;
        }
        String query = URI.create(prev).getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("page=")) {
                    try {
                        return Integer.parseInt(pair.substring(5)) + 1;
                    } catch (NumberFormatException e) {
                        throw new IOException("strconv.Atoi: parsing \"" + pair.substring(5) + "\": invalid syntax");
                    }
                }
            }
        }
        return 1;
    }

    private Labels droplet(JsonNode droplet) {
        JsonNode networks = object(droplet, "networks");
        JsonNode v4 = object(networks, "v4");
        if (v4 == null || !v4.isArray() || v4.isEmpty()) {
            return null;
        }
        String publicIpv4 = address(v4, "public");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PREFIX + "droplet_id", text(droplet, "id"));
        labels.put(PREFIX + "droplet_name", text(droplet, "name"));
        labels.put(PREFIX + "image", text(object(droplet, "image"), "slug"));
        labels.put(PREFIX + "image_name", text(object(droplet, "image"), "name"));
        labels.put(PREFIX + "private_ipv4", address(v4, "private"));
        labels.put(PREFIX + "public_ipv4", publicIpv4);
        labels.put(PREFIX + "public_ipv6", address(object(networks, "v6"), "public"));
        labels.put(PREFIX + "region", text(object(droplet, "region"), "slug"));
        labels.put(PREFIX + "size", text(droplet, "size_slug"));
        labels.put(PREFIX + "status", text(droplet, "status"));
        labels.put(PREFIX + "vpc", text(droplet, "vpc_uuid"));
        labels.put("__address__", joinHostPort(publicIpv4, config.port()));
        // Surrounded by the separator, so relabeling regexes need not care where an entry sits.
        String features = joined(object(droplet, "features"));
        if (!features.isEmpty()) {
            labels.put(PREFIX + "features", features);
        }
        String tags = joined(object(droplet, "tags"));
        if (!tags.isEmpty()) {
            labels.put(PREFIX + "tags", tags);
        }
        return Labels.fromMap(labels);
    }

    /** The first network of the type's {@code ip_address} (godo's {@code PublicIPv4} etc.), else empty. */
    private static String address(JsonNode networks, String type) {
        if (networks == null || !networks.isArray()) {
            return "";
        }
        for (JsonNode network : networks) {
            if (type.equals(text(network, "type"))) {
                return text(network, "ip_address");
            }
        }
        return "";
    }

    private static String joined(JsonNode values) {
        if (values == null || !values.isArray() || values.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        values.forEach(v -> parts.add(v.asText()));
        return SEPARATOR + String.join(SEPARATOR, parts) + SEPARATOR;
    }

    private TargetGroup databases() throws IOException, InterruptedException {
        List<Labels> targets = new ArrayList<>();
        int page = 1;
        while (true) {
            JsonNode answer;
            try {
                answer = api.get(endpoint.resolve("v2/databases?page=" + page + "&per_page=100"));
            } catch (IOException e) {
                throw new IOException("error while listing database clusters page " + page + ": " + e.getMessage(), e);
            }
            boolean empty = true;
            for (JsonNode cluster : list(answer, "databases")) {
                empty = false;
                targets.add(database(cluster));
            }
            if (empty) {
                break;
            }
            JsonNode pages = object(object(answer, "links"), "pages");
            // As Prometheus: the page after the current one, until a page comes back empty.
            page = pages != null && !text(pages, "last").isEmpty() ? currentPage(pages) + 1 : page + 1;
        }
        return new TargetGroup("DigitalOcean Databases", targets, Labels.EMPTY);
    }

    private Labels database(JsonNode cluster) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PREFIX + "db_id", text(cluster, "id"));
        labels.put(PREFIX + "db_name", text(cluster, "name"));
        labels.put(PREFIX + "db_engine", text(cluster, "engine"));
        labels.put(PREFIX + "db_version", text(cluster, "version"));
        labels.put(PREFIX + "db_status", text(cluster, "status"));
        labels.put(PREFIX + "db_region", text(cluster, "region"));
        labels.put(PREFIX + "db_size", text(cluster, "size"));
        String nodes = text(cluster, "num_nodes");
        labels.put(PREFIX + "db_num_nodes", nodes.isEmpty() ? "0" : nodes);
        String host = "";
        JsonNode privateConnection = object(cluster, "private_connection");
        if (privateConnection != null) {
            host = text(privateConnection, "host");
            labels.put(PREFIX + "db_private_host", host);
        }
        JsonNode connection = object(cluster, "connection");
        if (connection != null) {
            labels.put(PREFIX + "db_host", text(connection, "host"));
            if (host.isEmpty()) {
                host = text(connection, "host");
            }
        }
        if (!host.isEmpty()) {
            labels.put("__address__", joinHostPort(host, config.port()));
        }
        JsonNode tags = object(cluster, "tags");
        if (tags != null && tags.isArray()) {
            for (JsonNode tag : tags) {
                labels.put(PREFIX + "db_tag_" + tag.asText(), "true");
            }
        }
        return Labels.fromMap(labels);
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
