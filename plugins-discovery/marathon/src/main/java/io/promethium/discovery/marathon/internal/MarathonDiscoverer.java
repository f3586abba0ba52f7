package io.promethium.discovery.marathon.internal;

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
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Follows one {@code marathon_sd_configs} block as Prometheus's {@code discovery/marathon}
 * does: every {@code refresh_interval} a GET of {@code <server>/v2/apps/?embed=apps.tasks} on
 * one of the servers at random (timing out after one interval; Prometheus sets no timeout),
 * each app a group (source: its id) with {@code __meta_marathon_app}, {@code _image} and
 * {@code _app_label_*}, each task and port a target with {@code _task}, {@code _port_index}
 * and the port's {@code _port_mapping_label_*} or {@code _port_definition_label_*}. Ports come
 * from the container's port mappings, else Docker's, else the port definitions, else the
 * task's own ports, as Prometheus picks them. A failed refresh keeps the last targets, is
 * counted in {@code prometheus_sd_refresh_failures_total{mechanism="marathon"}} and logged once
 * per change.
 */
final class MarathonDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_marathon_";
    static final String APP_LABEL = PREFIX + "app_label_";
    static final String PORT_MAPPING_LABEL = PREFIX + "port_mapping_label_";
    static final String PORT_DEFINITION_LABEL = PREFIX + "port_definition_label_";
    static final String APPS_PATH = "/v2/apps/?embed=apps.tasks";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final MarathonSdConfig config;
    private final Path tokenFile;
    private final ConfiguredHttpClient http;
    private final long bodyLimit;
    private final MarathonSdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;

    MarathonDiscoverer(MarathonSdConfig config, Path tokenFile, ConfiguredHttpClient http, long bodyLimit, MarathonSdMetrics metrics,
                       String owner, Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.tokenFile = tokenFile;
        this.http = Objects.requireNonNull(http, "http is null");
        this.bodyLimit = bodyLimit;
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.refresher = new RefreshingDiscoverer("Marathon SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Marathon SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(MarathonSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            String url = config.servers().get(ThreadLocalRandom.current().nextInt(config.servers().size())) + APPS_PATH;
            return groups(fetch(url), url);
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, MarathonSdMetrics.MECHANISM, owner);
        }
    }

    private byte[] fetch(String url) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(config.refreshInterval()).GET();
        if (!config.authToken().isEmpty()) {
            request.header("Authorization", "token=" + config.authToken());
        } else if (tokenFile != null) {
            String token;
            try {
                token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IOException("unable to read auth token file " + tokenFile + ": " + e.getMessage(), e);
            }
            request.header("Authorization", "token=" + token);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException("Get \"" + url + "\": no answer within " + config.refreshInterval().toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IOException("Get \"" + url + "\": " + e.getMessage(), e);
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() < 200 || response.statusCode() >= 300) {
                throw new IOException("non 2xx status '" + response.statusCode() + "' response during marathon service discovery");
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1));
            if (bytes.length > bodyLimit) {
                throw new IOException("\"" + url + "\": the answer is larger than " + bodyLimit + " bytes");
            }
            return bytes;
        }
    }

    /** The groups of an apps answer, one per app id (a repeated id: the last wins, as in Prometheus's map). */
    static List<TargetGroup> groups(byte[] body, String url) throws IOException {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw new IOException("unexpected end of JSON input");
            }
            object(root, "appList");
            Map<String, TargetGroup> groups = new LinkedHashMap<>();
            for (JsonNode app : array(field(root, "apps"), "appList.apps")) {
                object(app, "app");
                TargetGroup group = group(app);
                groups.put(group.source(), group);
            }
            return new ArrayList<>(groups.values());
        } catch (IOException e) {
            throw new IOException("\"" + url + "\": " + e.getMessage(), e);
        }
    }

    private static TargetGroup group(JsonNode app) throws IOException {
        String id = string(field(app, "id"), "app.id");
        JsonNode container = field(app, "container");
        object(container, "app.container");
        JsonNode docker = field(container, "docker");
        object(docker, "container.docker");
        Labels.Builder common = Labels.builder().set(PREFIX + "app", id).set(PREFIX + "image",
                string(field(docker, "image"), "dockerContainer.image"));
        for (Map.Entry<String, String> label : stringMap(field(app, "labels"), "app.labels").entrySet()) {
            common.set(APP_LABEL + sanitize(label.getKey()), label.getValue());
        }
        return new TargetGroup(id, targets(app, container, docker), common.build());
    }

    private static List<Labels> targets(JsonNode app, JsonNode container, JsonNode docker) throws IOException {
        JsonNode networks = array(field(app, "networks"), "app.networks");
        boolean containerNet = !networks.isEmpty() && "container".equals(string(field(networks.get(0), "mode"), "network.mode"));
        List<Long> ports = new ArrayList<>();
        List<Map<String, String>> portLabels = new ArrayList<>();
        String prefix = "";
        JsonNode mappings = array(field(container, "portMappings"), "container.portMappings");
        JsonNode dockerMappings = array(field(docker, "portMappings"), "dockerContainer.portMappings");
        JsonNode definitions = array(field(app, "portDefinitions"), "app.portDefinitions");
        if (!mappings.isEmpty() || !dockerMappings.isEmpty()) {
            for (JsonNode mapping : mappings.isEmpty() ? dockerMappings : mappings) {
                object(mapping, "portMapping");
                portLabels.add(stringMap(field(mapping, "labels"), "portMapping.labels"));
                // In a container network the container port is reached directly, else the host port (0: taken from the task).
                ports.add(uint32(field(mapping, containerNet ? "containerPort" : "hostPort"), "portMapping.port"));
            }
            prefix = PORT_MAPPING_LABEL;
        } else if (!definitions.isEmpty()) {
            boolean requirePorts = bool(field(app, "requirePorts"), "app.requirePorts");
            for (JsonNode definition : definitions) {
                object(definition, "portDefinition");
                portLabels.add(stringMap(field(definition, "labels"), "portDefinition.labels"));
                long port = uint32(field(definition, "port"), "portDefinition.port");
                ports.add(requirePorts ? port : 0L);
            }
            prefix = PORT_DEFINITION_LABEL;
        }
        List<Labels> targets = new ArrayList<>();
        for (JsonNode task : array(field(app, "tasks"), "app.tasks")) {
            object(task, "task");
            List<Long> taskPorts = new ArrayList<>();
            for (JsonNode port : array(field(task, "ports"), "task.ports")) {
                taskPorts.add(uint32(port, "task.ports"));
            }
            if (ports.isEmpty() && !taskPorts.isEmpty()) {
                // As in Prometheus: the first task with ports sets them for the tasks after it too.
                ports = taskPorts;
            }
            String host = string(field(task, "host"), "task.host");
            JsonNode addresses = array(field(task, "ipAddresses"), "task.ipAddresses");
            if (containerNet && !addresses.isEmpty()) {
                host = string(field(addresses.get(0), "ipAddress"), "ipAddress.ipAddress");
            }
            String taskId = string(field(task, "id"), "task.id");
            for (int i = 0; i < ports.size(); i++) {
                long port = ports.get(i);
                if (port == 0 && taskPorts.size() == ports.size()) {
                    port = taskPorts.get(i);
                }
                Labels.Builder target = Labels.builder()
                        .set("__address__", (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port)
                        .set(PREFIX + "task", taskId).set(PREFIX + "port_index", Integer.toString(i));
                if (!portLabels.isEmpty()) {
                    for (Map.Entry<String, String> label : portLabels.get(i).entrySet()) {
                        target.set(prefix + sanitize(label.getKey()), label.getValue());
                    }
                }
                targets.add(target.build());
            }
        }
        return targets;
    }

    /** A field matched as Go's JSON does (exact name, else ignoring case); null when absent. */
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

    private static IOException mismatch(JsonNode node, String field, String type) {
        String kind = switch (node.getNodeType()) {
            case BOOLEAN -> "bool";
            case NUMBER -> "number" + (type.startsWith("uint") ? " " + node.asText() : "");
            default -> node.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
        return new IOException("json: cannot unmarshal " + kind + " into Go struct field " + field + " of type " + type);
    }

    private static void object(JsonNode node, String field) throws IOException {
        if (node != null && !node.isNull() && !node.isObject()) {
            throw mismatch(node, field, "object");
        }
    }

    private static JsonNode array(JsonNode node, String field) throws IOException {
        if (node == null || node.isNull()) {
            return JSON.createArrayNode();
        }
        if (!node.isArray()) {
            throw mismatch(node, field, "array");
        }
        return node;
    }

    private static String string(JsonNode node, String field) throws IOException {
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw mismatch(node, field, "string");
        }
        return node.asText();
    }

    private static boolean bool(JsonNode node, String field) throws IOException {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw mismatch(node, field, "bool");
        }
        return node.asBoolean();
    }

    private static long uint32(JsonNode node, String field) throws IOException {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0 || node.asLong() > 0xFFFF_FFFFL) {
            throw mismatch(node, field, "uint32");
        }
        return node.asLong();
    }

    private static Map<String, String> stringMap(JsonNode node, String field) throws IOException {
        Map<String, String> map = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return map;
        }
        if (!node.isObject()) {
            throw mismatch(node, field, "map[string]string");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            map.put(entry.getKey(), string(entry.getValue(), field));
        }
        return map;
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
