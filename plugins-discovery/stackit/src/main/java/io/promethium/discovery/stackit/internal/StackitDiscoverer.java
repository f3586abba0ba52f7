package io.promethium.discovery.stackit.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.api.discovery.JsonHttpFetch.sanitize;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.JsonHttpFetch;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * Follows one {@code stackit_sd_configs} block as Prometheus's {@code discovery/stackit} does:
 * {@code GET <endpoint>/v1/projects/<project>/servers?details=true} from STACKIT's IaaS API, with
 * a bearer token from the service-account key flow ({@link StackitKeyFlow}) when a key is
 * configured, else only what {@code http_client_config} adds. One group {@code stackit}, a target
 * per server with a network interface and an address (its first public IP, else its first private
 * IPv4) on {@code port}, with {@code __meta_stackit_*}. A status other than 200 fails the refresh,
 * which keeps the last targets.
 */
final class StackitDiscoverer implements Discoverer {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String PREFIX = "__meta_stackit_";

    private final StackitSdConfig config;
    private final ConfiguredHttpClient http;
    private final JsonHttpFetch<JsonNode> api;
    private final StackitKeyFlow keyFlow;
    private final StackitSdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;

    StackitDiscoverer(StackitSdConfig config, ConfiguredHttpClient http, long bodyLimit, UnaryOperator<String> env, Path home, Clock clock,
                      StackitSdMetrics metrics, String owner, Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.api = new JsonHttpFetch<>(http, config.refreshInterval(), bodyLimit, JSON::readTree);
        this.keyFlow = config.keyFlow() ? new StackitKeyFlow(config, env, home, new JsonHttpFetch<>(http, config.refreshInterval(),
                bodyLimit, JSON::readTree), clock) : null;
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.refresher = new RefreshingDiscoverer("STACKIT SD", config.refreshInterval(), threads,
                new DiscoveryFailures("STACKIT SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(StackitSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            String base = config.endpoint().toString();
            URI uri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/projects/"
                    + config.project() + "/servers?details=true");
            JsonNode answer;
            try {
                answer = keyFlow == null ? api.get(uri) : api.get(uri, "Authorization", "Bearer " + keyFlow.accessToken());
            } catch (JsonHttpFetch.StatusException e) {
                throw new IOException("unexpected status code " + e.status() + ": " + e.getMessage(), e);
            }
            List<Labels> targets = new ArrayList<>();
            for (JsonNode server : answer.path("items")) {
                Labels labels = server(server);
                if (labels != null) {
                    targets.add(labels);
                }
            }
            return List.of(new TargetGroup("stackit", targets, Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, StackitSdMetrics.MECHANISM, owner);
        }
    }

    private Labels server(JsonNode server) {
        JsonNode nics = server.get("nics");
        if (nics == null || nics.isNull()) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PREFIX + "project", config.project());
        labels.put(PREFIX + "id", text(server, "id"));
        labels.put(PREFIX + "name", text(server, "name"));
        labels.put(PREFIX + "availability_zone", text(server, "availabilityZone"));
        labels.put(PREFIX + "status", text(server, "status"));
        labels.put(PREFIX + "power_status", text(server, "powerStatus"));
        labels.put(PREFIX + "type", text(server, "machineType"));
        String address = "";
        String publicIp = "";
        for (JsonNode nic : nics) {
            String nicPublic = text(nic, "publicIp");
            if (!nicPublic.isEmpty() && publicIp.isEmpty()) {
                publicIp = nicPublic;
                address = publicIp;
            }
            String ipv4 = text(nic, "ipv4");
            if (!ipv4.isEmpty()) {
                labels.put(PREFIX + "private_ipv4_" + sanitize(text(nic, "networkName")), ipv4);
                if (address.isEmpty()) {
                    address = ipv4;
                }
            }
        }
        if (address.isEmpty()) {
            return null;
        }
        if (!publicIp.isEmpty()) {
            labels.put(PREFIX + "public_ipv4", publicIp);
        }
        labels.put("__address__", joinHostPort(address, config.port()));
        JsonNode serverLabels = server.get("labels");
        if (serverLabels != null && serverLabels.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = serverLabels.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> label = it.next();
                if (label.getValue().isTextual()) {
                    labels.put(PREFIX + "labelpresent_" + sanitize(label.getKey()), "true");
                    labels.put(PREFIX + "label_" + sanitize(label.getKey()), label.getValue().asText());
                }
            }
        }
        return Labels.fromMap(labels);
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? "" : value.asText();
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
