package io.promethium.discovery.kuma.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.config.Durations;
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
import java.time.Duration;
import java.util.ArrayList;
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
 * Follows one {@code kuma_sd_configs} block as Prometheus's {@code discovery/xds} does: every
 * {@code refresh_interval} a fetch of Kuma's MADS v3 resources ({@code POST
 * <server>/v3/discovery:monitoringassignments?fetch-timeout=<fetch_timeout>} with an xDS
 * {@code DiscoveryRequest} in proto JSON: the node id, the type URL, and the last answer's
 * version and nonce, so the control plane may hold the request until something changes and
 * answers 304 when nothing did). Every monitoring assignment's targets make one group
 * ({@code kuma}) with {@code __meta_kuma_{mesh,service,dataplane}}, {@code __meta_kuma_label_*},
 * and {@code instance}, {@code __scheme__} and {@code __metrics_path__} as the control plane
 * assigns them. A request times out after {@code fetch_timeout} + 15 s. A failed fetch keeps the
 * last targets, is counted in {@code prometheus_sd_kuma_fetch_failures_total} and logged once
 * per change; a 304 counts in {@code prometheus_sd_kuma_fetch_skipped_updates_total}.
 */
final class KumaDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_kuma_";
    static final String TYPE_URL = "type.googleapis.com/kuma.observability.v1.MonitoringAssignment";
    static final String USER_AGENT = "Promethium/0.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KumaSdConfig config;
    private final String clientId;
    private final ConfiguredHttpClient http;
    private final long bodyLimit;
    private final KumaSdMetrics metrics;
    private final String endpoint;
    private final Duration timeout;
    private final RefreshingDiscoverer refresher;
    /** The last answer's version and nonce, sent back as xDS asks; touched by the refresh thread only. */
    private String version = "";
    private String nonce = "";
    private List<TargetGroup> last = List.of(new TargetGroup("kuma", List.of(), Labels.EMPTY));

    KumaDiscoverer(KumaSdConfig config, String clientId, ConfiguredHttpClient http, long bodyLimit, KumaSdMetrics metrics, Logger log,
                   ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.clientId = Objects.requireNonNull(clientId, "clientId is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.bodyLimit = bodyLimit;
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.endpoint = endpoint(config);
        this.timeout = config.fetchTimeout().plusSeconds(15);
        this.refresher = new RefreshingDiscoverer("Kuma SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Kuma SD: ", log, metrics.failures), this::refresh);
    }

    /** {@code path.Join(server path, "v3", "discovery:monitoringassignments")} with the fetch timeout as Prometheus writes it. */
    static String endpoint(KumaSdConfig config) {
        URI uri = URI.create(config.server());
        String path = (uri.getRawPath() == null ? "" : uri.getRawPath()) + "/v3/discovery:monitoringassignments";
        StringBuilder clean = new StringBuilder();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                clean.append('/').append(part);
            }
        }
        return uri.getScheme() + "://" + uri.getRawAuthority() + clean + "?fetch-timeout="
                + URLEncoder.encode(Durations.format(config.fetchTimeout()), StandardCharsets.UTF_8);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            return fetch();
        } finally {
            metrics.duration.observe((System.nanoTime() - start) / 1e9);
        }
    }

    private List<TargetGroup> fetch() throws IOException, InterruptedException {
        // protojson with proto names, empty fields left out, in field-number order.
        ObjectNode request = JSON.createObjectNode();
        if (!version.isEmpty()) {
            request.put("version_info", version);
        }
        request.putObject("node").put("id", clientId);
        request.put("type_url", TYPE_URL);
        if (!nonce.isEmpty()) {
            request.put("response_nonce", nonce);
        }
        HttpRequest post = HttpRequest.newBuilder(URI.create(endpoint)).timeout(timeout).header("User-Agent", USER_AGENT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request))).build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(post, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException("Post \"" + endpoint + "\": no answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IOException("Post \"" + endpoint + "\": " + e.getMessage(), e);
        }
        byte[] body;
        try (InputStream in = response.body()) {
            if (response.statusCode() == 304) {
                metrics.skipped.inc();
                return last;
            }
            if (response.statusCode() != 200) {
                throw new IOException("non 200 status '" + response.statusCode() + "' response during xDS fetch");
            }
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1));
            if (body.length > bodyLimit) {
                throw new IOException("the answer is larger than " + bodyLimit + " bytes");
            }
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException e) {
            throw new IOException("error parsing resources: " + e.getMessage(), e);
        }
        if (answer == null || !answer.isObject()) {
            throw new IOException("error parsing resources: the answer is not a JSON object");
        }
        String newVersion = string(field(answer, "version_info", "versionInfo"), "version_info");
        String newNonce = string(field(answer, "nonce", "nonce"), "nonce");
        String typeUrl = string(field(answer, "type_url", "typeUrl"), "type_url");
        version = newVersion;
        nonce = newNonce;
        if (!typeUrl.equals(TYPE_URL)) {
            throw new IOException("received invalid typeURL for Kuma MADS v1 Resource: " + typeUrl);
        }
        List<Labels> targets = new ArrayList<>();
        for (JsonNode resource : array(field(answer, "resources", "resources"), "resources")) {
            targets.addAll(assignment(resource));
        }
        last = List.of(new TargetGroup("kuma", targets, Labels.EMPTY));
        return last;
    }

    /** The targets of one {@code MonitoringAssignment} (an {@code Any} in proto JSON). */
    static List<Labels> assignment(JsonNode resource) throws IOException {
        if (!resource.isObject()) {
            throw new IOException("error parsing resources: a resource is not a JSON object");
        }
        String type = string(resource.get("@type"), "@type");
        if (!type.equals(TYPE_URL)) {
            throw new IOException("error parsing resources: unable to resolve \"" + type + "\": not found");
        }
        Map<String, String> common = userLabels(field(resource, "labels", "labels"));
        common.put(PREFIX + "mesh", string(field(resource, "mesh", "mesh"), "mesh"));
        common.put(PREFIX + "service", string(field(resource, "service", "service"), "service"));
        List<Labels> targets = new ArrayList<>();
        for (JsonNode target : array(field(resource, "targets", "targets"), "targets")) {
            if (!target.isObject()) {
                throw new IOException("error parsing resources: a target is not a JSON object");
            }
            Map<String, String> labels = userLabels(field(target, "labels", "labels"));
            // Prometheus merges the assignment's labels over the target's.
            labels.putAll(common);
            String name = string(field(target, "name", "name"), "name");
            labels.put(PREFIX + "dataplane", name);
            labels.put("__address__", string(field(target, "address", "address"), "address"));
            labels.put("instance", name);
            labels.put("__scheme__", string(field(target, "scheme", "scheme"), "scheme"));
            labels.put("__metrics_path__", string(field(target, "metrics_path", "metricsPath"), "metrics_path"));
            targets.add(Labels.fromMap(labels));
        }
        return targets;
    }

    private static Map<String, String> userLabels(JsonNode labels) throws IOException {
        Map<String, String> result = new LinkedHashMap<>();
        if (labels == null || labels.isNull()) {
            return result;
        }
        if (!labels.isObject()) {
            throw new IOException("error parsing resources: labels is not a JSON object");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = labels.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            result.put(PREFIX + "label_" + sanitize(e.getKey()), string(e.getValue(), "labels"));
        }
        return result;
    }

    /** A proto JSON field under its proto name or its JSON (lowerCamel) name, as protojson accepts both. */
    private static JsonNode field(JsonNode object, String protoName, String jsonName) {
        JsonNode value = object.get(jsonName);
        return value != null ? value : object.get(protoName);
    }

    private static JsonNode array(JsonNode node, String what) throws IOException {
        if (node == null || node.isNull()) {
            return JSON.createArrayNode();
        }
        if (!node.isArray()) {
            throw new IOException("error parsing resources: " + what + " is not a JSON array");
        }
        return node;
    }

    private static String string(JsonNode node, String what) throws IOException {
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw new IOException("error parsing resources: invalid value for string field " + what + ": "
                    + node.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        return node.asText();
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
        http.close();
    }
}
