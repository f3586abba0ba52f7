package io.promethium.discovery.consul.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.http.ConfiguredHttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Consul's HTTP API as discovery uses it: the agent's datacenter, the catalog's services and
 * each service's healthy-or-not instances, with blocking queries ({@code index} and
 * {@code wait}; the answer's {@code X-Consul-Index}). The request timeout covers the wait plus
 * Consul's jitter (wait/16), so a query that never ends fails instead of hanging.
 */
final class ConsulClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A blocking query's answer and the index to ask with next. */
    record Result<T>(T value, long index) {
    }

    /** One entry of {@code /v1/health/service/<name>}. */
    record ServiceNode(String node, String nodeAddress, Map<String, String> nodeMeta, Map<String, String> taggedAddresses,
                       String serviceId, String serviceAddress, int servicePort, List<String> serviceTags,
                       Map<String, String> serviceMeta, String namespace, String partition, String health) {
    }

    private final ConsulSdConfig config;
    private final ConfiguredHttpClient http;
    private final Duration wait;
    private final Duration slack;

    /**
     * @param wait how long a blocking query may wait for a change
     * @param slack how long a plain request may take, and what a blocking one may take beyond its wait
     */
    ConsulClient(ConsulSdConfig config, ConfiguredHttpClient http, Duration wait, Duration slack) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.wait = Objects.requireNonNull(wait, "wait is null");
        this.slack = Objects.requireNonNull(slack, "slack is null");
    }

    /** The datacenter of the agent asked ({@code Config.Datacenter} of {@code /v1/agent/self}). */
    String datacenter() throws IOException, InterruptedException {
        JsonNode self = get("/v1/agent/self", List.of(), 0).value();
        String dc = self.path("Config").path("Datacenter").asText("");
        if (dc.isEmpty()) {
            throw new IOException("retrieved datacenter from /v1/agent/self is empty");
        }
        return dc;
    }

    /** The catalog's services and their tags. */
    Result<Map<String, List<String>>> services(long index) throws IOException, InterruptedException {
        Result<JsonNode> result = get("/v1/catalog/services", filters(), index);
        if (!result.value().isObject()) {
            throw new IOException("/v1/catalog/services: expected a JSON object, got " + result.value().getNodeType());
        }
        Map<String, List<String>> services = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = result.value().fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            services.put(field.getKey(), strings(field.getValue()));
        }
        return new Result<>(services, result.index());
    }

    /** The instances of {@code service} that carry every configured tag, with their aggregated health. */
    Result<List<ServiceNode>> health(String service, long index) throws IOException, InterruptedException {
        List<String> params = filters();
        for (String tag : config.tags()) {
            params.add("tag=" + encode(tag));
        }
        Result<JsonNode> result = get("/v1/health/service/" + encode(service), params, index);
        if (!result.value().isArray()) {
            throw new IOException("/v1/health/service/" + service + ": expected a JSON array, got " + result.value().getNodeType());
        }
        List<ServiceNode> nodes = new ArrayList<>();
        for (JsonNode entry : result.value()) {
            JsonNode node = entry.path("Node");
            JsonNode svc = entry.path("Service");
            nodes.add(new ServiceNode(node.path("Node").asText(""), node.path("Address").asText(""), map(node.path("Meta")),
                    map(node.path("TaggedAddresses")), svc.path("ID").asText(""), svc.path("Address").asText(""),
                    svc.path("Port").asInt(0), strings(svc.path("Tags")), map(svc.path("Meta")), svc.path("Namespace").asText(""),
                    svc.path("Partition").asText(""), health(entry.path("Checks"))));
        }
        return new Result<>(nodes, result.index());
    }

    /** Consul's {@code AggregatedStatus}: maintenance, then critical, then warning, else passing. */
    static String health(JsonNode checks) {
        boolean warning = false;
        boolean critical = false;
        boolean maintenance = false;
        for (JsonNode check : checks) {
            String id = check.path("CheckID").asText("");
            String status = check.path("Status").asText("");
            if (id.equals("_node_maintenance") || id.startsWith("_service_maintenance:")) {
                maintenance = true;
                continue;
            }
            switch (status) {
                case "warning" -> warning = true;
                case "critical" -> critical = true;
                case "maintenance" -> maintenance = true;
                default -> {
                }
            }
        }
        if (maintenance) {
            return "maintenance";
        }
        if (critical) {
            return "critical";
        }
        return warning ? "warning" : "passing";
    }

    private List<String> filters() {
        List<String> params = new ArrayList<>();
        if (!config.datacenter().isEmpty()) {
            params.add("dc=" + encode(config.datacenter()));
        }
        if (config.allowStale()) {
            params.add("stale");
        }
        for (Map.Entry<String, String> meta : new java.util.TreeMap<>(config.nodeMeta()).entrySet()) {
            params.add("node-meta=" + encode(meta.getKey() + ":" + meta.getValue()));
        }
        if (!config.filter().isEmpty()) {
            params.add("filter=" + encode(config.filter()));
        }
        if (!config.namespace().isEmpty()) {
            params.add("ns=" + encode(config.namespace()));
        }
        if (!config.partition().isEmpty()) {
            params.add("partition=" + encode(config.partition()));
        }
        return params;
    }

    private Result<JsonNode> get(String path, List<String> params, long index) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(params);
        Duration timeout = slack;
        if (index > 0) {
            all.add("index=" + index);
            all.add("wait=" + wait.toMillis() + "ms");
            timeout = timeout.plus(wait).plus(wait.dividedBy(16));
        }
        String url = config.baseUrl() + path + (all.isEmpty() ? "" : "?" + String.join("&", all));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Accept", "application/json");
        if (!config.token().isEmpty()) {
            request.header("X-Consul-Token", config.token());
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.http.HttpTimeoutException e) {
            throw new IOException("GET " + config.baseUrl() + path + ": no answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IOException("GET " + config.baseUrl() + path + ": " + e.getMessage(), e);
        }
        if (response.statusCode() / 100 != 2) {
            String body = new String(response.body(), StandardCharsets.UTF_8).strip();
            throw new IOException("GET " + config.baseUrl() + path + ": Unexpected response code: " + response.statusCode()
                    + (body.isEmpty() ? "" : " (" + (body.length() > 200 ? body.substring(0, 200) + "..." : body) + ")"));
        }
        long newIndex = 0;
        String header = response.headers().firstValue("X-Consul-Index").orElse("");
        if (!header.isEmpty()) {
            try {
                newIndex = Long.parseLong(header.strip());
            } catch (NumberFormatException e) {
                throw new IOException("GET " + config.baseUrl() + path + ": X-Consul-Index is not a number: " + header);
            }
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("GET " + config.baseUrl() + path + ": the answer is not JSON: " + e.getMessage(), e);
        }
        if (body == null || body.isMissingNode()) {
            throw new IOException("GET " + config.baseUrl() + path + ": empty answer");
        }
        return new Result<>(body, newIndex);
    }

    private static List<String> strings(JsonNode array) {
        List<String> result = new ArrayList<>();
        for (JsonNode item : array) {
            result.add(item.asText(""));
        }
        return result;
    }

    private static Map<String, String> map(JsonNode object) {
        Map<String, String> result = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            result.put(field.getKey(), field.getValue().asText(""));
        }
        return result;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
