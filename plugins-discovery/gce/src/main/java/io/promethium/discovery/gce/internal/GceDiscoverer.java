package io.promethium.discovery.gce.internal;

import static io.promethium.discovery.gce.internal.CloudApi.list;
import static io.promethium.discovery.gce.internal.CloudApi.object;
import static io.promethium.api.discovery.JsonHttpFetch.sanitize;
import static io.promethium.discovery.gce.internal.CloudApi.text;

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
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Follows one {@code gce_sd_configs} block as Prometheus's {@code discovery/gce} does: the
 * Compute API's {@code instances.list} of the project and zone ({@code filter} passed on), every
 * page through {@code nextPageToken}, with an OAuth access token from {@link GoogleCredentials};
 * one group {@code GCE_<project>_<zone>}, a target per instance with a network interface on the
 * first interface's private IP and {@code port}. A failed refresh keeps the last targets.
 */
final class GceDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_gce_";

    private final GceSdConfig config;
    private final URI endpoint;
    private final JsonHttpFetch<JsonNode> api;
    private final GoogleCredentials credentials;
    private final ConfiguredHttpClient http;
    private final GceSdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;

    GceDiscoverer(GceSdConfig config, URI endpoint, ConfiguredHttpClient http, long bodyLimit, Function<String, String> env, Clock clock,
                  GceSdMetrics metrics, String owner, Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.api = new JsonHttpFetch<>(http, config.refreshInterval(), bodyLimit, CloudApi.JSON::readTree);
        this.credentials = new GoogleCredentials(api, env, clock);
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.refresher = new RefreshingDiscoverer("GCE SD", config.refreshInterval(), threads,
                new DiscoveryFailures("GCE SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(GceSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            List<Labels> targets = new ArrayList<>();
            String pageToken = "";
            do {
                StringBuilder uri = new StringBuilder("projects/").append(encode(config.project())).append("/zones/")
                        .append(encode(config.zone())).append("/instances?alt=json&prettyPrint=false");
                if (!config.filter().isEmpty()) {
                    uri.append("&filter=").append(URLEncoder.encode(config.filter(), StandardCharsets.UTF_8));
                }
                if (!pageToken.isEmpty()) {
                    uri.append("&pageToken=").append(URLEncoder.encode(pageToken, StandardCharsets.UTF_8));
                }
                JsonNode page = api.get(endpoint.resolve(uri.toString()), "Authorization", "Bearer " + credentials.token());
                for (JsonNode instance : list(page, "items")) {
                    Labels labels = instance(instance);
                    if (labels != null) {
                        targets.add(labels);
                    }
                }
                pageToken = text(page, "nextPageToken");
            } while (!pageToken.isEmpty());
            return List.of(new TargetGroup("GCE_" + config.project() + "_" + config.zone(), targets, Labels.EMPTY));
        } catch (IOException e) {
            throw new IOException("error retrieving refresh targets from gce: " + e.getMessage(), e);
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, GceSdMetrics.MECHANISM, owner);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Labels instance(JsonNode instance) throws IOException {
        JsonNode interfaces = object(instance, "networkInterfaces");
        if (interfaces == null || !interfaces.isArray() || interfaces.isEmpty()) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PREFIX + "project", config.project());
        labels.put(PREFIX + "zone", text(instance, "zone"));
        labels.put(PREFIX + "instance_id", text(instance, "id"));
        labels.put(PREFIX + "instance_name", text(instance, "name"));
        labels.put(PREFIX + "instance_status", text(instance, "status"));
        labels.put(PREFIX + "machine_type", text(instance, "machineType"));
        JsonNode primary = interfaces.get(0);
        labels.put(PREFIX + "network", text(primary, "network"));
        labels.put(PREFIX + "subnetwork", text(primary, "subnetwork"));
        labels.put(PREFIX + "private_ip", text(primary, "networkIP"));
        // Prometheus formats "%s:%d" here, without brackets for an IPv6 address.
        labels.put("__address__", text(primary, "networkIP") + ":" + config.port());
        for (JsonNode iface : interfaces) {
            labels.put(PREFIX + "interface_ipv4_" + sanitize(text(iface, "name")), text(iface, "networkIP"));
        }
        List<String> tags = new ArrayList<>();
        list(object(instance, "tags"), "items").forEach(t -> tags.add(t.asText()));
        if (!tags.isEmpty()) {
            String sep = config.tagSeparator();
            labels.put(PREFIX + "tags", sep + String.join(sep, tags) + sep);
        }
        for (JsonNode item : list(object(instance, "metadata"), "items")) {
            JsonNode value = object(item, "value");
            if (value != null) {
                labels.put(PREFIX + "metadata_" + sanitize(text(item, "key")), value.asText());
            }
        }
        JsonNode instanceLabels = object(instance, "labels");
        if (instanceLabels != null && instanceLabels.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = instanceLabels.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                labels.put(PREFIX + "label_" + sanitize(field.getKey()), field.getValue().asText());
            }
        }
        JsonNode access = object(primary, "accessConfigs");
        if (access != null && access.isArray() && !access.isEmpty() && "ONE_TO_ONE_NAT".equals(text(access.get(0), "type"))) {
            labels.put(PREFIX + "public_ip", text(access.get(0), "natIP"));
        }
        return Labels.fromMap(labels);
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
