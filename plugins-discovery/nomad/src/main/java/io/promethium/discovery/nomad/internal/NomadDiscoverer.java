package io.promethium.discovery.nomad.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Follows one {@code nomad_sd_configs} block as Prometheus's {@code discovery/nomad} does:
 * every {@code refresh_interval} Nomad's service list ({@code GET /v1/services}), then each
 * listed service's registrations ({@code GET /v1/service/<name>}), with the configured
 * {@code namespace}, {@code region} and {@code stale} as Nomad's client sends them; every
 * registration a target in one group (source {@code Nomad}) with {@code __meta_nomad_*}
 * labels. Each request times out after one interval. A failed refresh keeps the last targets,
 * is counted in {@code prometheus_sd_nomad_failures_total} and
 * {@code prometheus_sd_refresh_failures_total{mechanism="nomad"}}, and logged once per change.
 */
final class NomadDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_nomad_";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final NomadSdConfig config;
    private final ConfiguredHttpClient http;
    private final long bodyLimit;
    private final NomadSdMetrics metrics;
    private final String owner;
    private final String query;
    private final RefreshingDiscoverer refresher;

    NomadDiscoverer(NomadSdConfig config, ConfiguredHttpClient http, long bodyLimit, NomadSdMetrics metrics, String owner, Logger log,
                    ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.bodyLimit = bodyLimit;
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        // Go's url.Values.Encode: keys sorted, as Nomad's client sends them.
        Map<String, String> params = new TreeMap<>();
        if (!config.namespace().isEmpty()) {
            params.put("namespace", config.namespace());
        }
        if (!config.region().isEmpty()) {
            params.put("region", config.region());
        }
        if (config.allowStale()) {
            params.put("stale", "");
        }
        StringBuilder q = new StringBuilder();
        params.forEach((k, v) -> q.append(q.isEmpty() ? "?" : "&").append(k).append('=').append(encode(v)));
        this.query = q.toString();
        this.refresher = new RefreshingDiscoverer("Nomad SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Nomad SD: ", log, metrics.failures), this::refresh);
        // On /metrics at 0 from the start, as Prometheus instantiates its refresh metrics.
        metrics.refreshFailures.add(0, NomadSdMetrics.MECHANISM, owner);
        metrics.refreshDuration.instantiate(NomadSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            return List.of(group());
        } catch (IOException | RuntimeException e) {
            metrics.refreshFailures.inc(NomadSdMetrics.MECHANISM, owner);
            throw e;
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, NomadSdMetrics.MECHANISM, owner);
        }
    }

    private TargetGroup group() throws IOException, InterruptedException {
        List<Labels> targets = new ArrayList<>();
        for (JsonNode stub : array(get("/v1/services"), "[]*api.ServiceRegistrationListStub")) {
            for (JsonNode service : array(field(stub, "Services"), "[]*api.ServiceRegistrationStub")) {
                String name = string(field(service, "ServiceName"), "ServiceName");
                JsonNode instances;
                try {
                    instances = get("/v1/service/" + pathEscape(name));
                } catch (IOException e) {
                    throw new IOException("failed to fetch services: " + e.getMessage(), e);
                }
                for (JsonNode instance : array(instances, "[]*api.ServiceRegistration")) {
                    String address = string(field(instance, "Address"), "Address");
                    long port = integer(field(instance, "Port"), "Port");
                    Labels.Builder labels = Labels.builder()
                            .set(PREFIX + "address", address)
                            .set(PREFIX + "dc", string(field(instance, "Datacenter"), "Datacenter"))
                            .set(PREFIX + "node_id", string(field(instance, "NodeID"), "NodeID"))
                            .set(PREFIX + "namespace", string(field(instance, "Namespace"), "Namespace"))
                            .set(PREFIX + "service_address", address)
                            .set(PREFIX + "service_id", string(field(instance, "ID"), "ID"))
                            .set(PREFIX + "service_port", Long.toString(port))
                            .set(PREFIX + "service", string(field(instance, "ServiceName"), "ServiceName"))
                            .set("__address__", (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port);
                    List<String> tags = new ArrayList<>();
                    for (JsonNode tag : array(field(instance, "Tags"), "[]string")) {
                        tags.add(string(tag, "Tags"));
                    }
                    if (!tags.isEmpty()) {
                        String sep = config.tagSeparator();
                        labels.set(PREFIX + "tags", sep + String.join(sep, tags) + sep);
                    }
                    targets.add(labels.build());
                }
            }
        }
        return new TargetGroup("Nomad", targets, Labels.EMPTY);
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        String url = config.server() + path + query;
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(config.refreshInterval()).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException("Get \"" + url + "\": no answer within " + config.refreshInterval().toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IOException("Get \"" + url + "\": " + e.getMessage(), e);
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1));
        }
        if (response.statusCode() != 200) {
            String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
            throw new IOException("Unexpected response code: " + response.statusCode() + " (" + text + ")");
        }
        if (body.length > bodyLimit) {
            throw new IOException("Get \"" + url + "\": the answer is larger than " + bodyLimit + " bytes");
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new IOException("unexpected end of JSON input");
            }
            return node;
        } catch (IOException e) {
            throw new IOException("Get \"" + url + "\": " + e.getMessage(), e);
        }
    }

    private static JsonNode field(JsonNode object, String name) {
        if (object == null || !object.isObject()) {
            return null;
        }
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact;
        }
        JsonNode found = null;
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equalsIgnoreCase(name)) {
                found = field.getValue();
            }
        }
        return found;
    }

    private static IOException mismatch(JsonNode node, String type) {
        String kind = switch (node.getNodeType()) {
            case BOOLEAN -> "bool";
            case NUMBER -> "number";
            default -> node.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
        return new IOException("json: cannot unmarshal " + kind + " into Go value of type " + type);
    }

    private static JsonNode array(JsonNode node, String type) throws IOException {
        if (node == null || node.isNull()) {
            return JSON.createArrayNode();
        }
        if (!node.isArray()) {
            throw mismatch(node, type);
        }
        for (JsonNode item : node) {
            if (!item.isNull() && !item.isObject() && !type.equals("[]string")) {
                throw mismatch(item, type.substring(2));
            }
        }
        return node;
    }

    private static String string(JsonNode node, String field) throws IOException {
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw mismatch(node, "string (field " + field + ")");
        }
        return node.asText();
    }

    private static long integer(JsonNode node, String field) throws IOException {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw mismatch(node, "int (field " + field + ")");
        }
        return node.asLong();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Go's {@code url.PathEscape}. */
    private static String pathEscape(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
