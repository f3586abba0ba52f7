package io.promethium.discovery.puppetdb.internal;

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
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
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
import java.util.regex.Pattern;

/**
 * Follows one {@code puppetdb_sd_configs} block as Prometheus's {@code discovery/puppetdb}
 * does: every {@code refresh_interval} a POST of {@code {"query": ...}} to
 * {@code <url>/pdb/query/v4} (timing out after one interval), whose 200
 * {@code application/json} answer is a list of resources; each resource is a target on
 * {@code <certname>:<port>} in one group (source {@code <query url>?query=<query>}) with
 * {@code __meta_puppetdb_*} labels, and its parameters as {@code __meta_puppetdb_parameter_*}
 * when {@code include_parameters} is on. A failed refresh keeps the last targets, is counted in
 * {@code prometheus_sd_refresh_failures_total{mechanism="puppetdb"}} and logged once per change.
 */
final class PuppetdbDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_puppetdb_";
    static final String USER_AGENT = "Promethium/0.1";
    private static final String SEPARATOR = ",";
    private static final Pattern CONTENT_TYPE = Pattern.compile("(?i:application/json(;\\s*charset=(\"utf-8\"|utf-8))?)");
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final PuppetdbSdConfig config;
    private final ConfiguredHttpClient http;
    private final long bodyLimit;
    private final PuppetdbSdMetrics metrics;
    private final String owner;
    private final String url;
    private final RefreshingDiscoverer refresher;

    PuppetdbDiscoverer(PuppetdbSdConfig config, ConfiguredHttpClient http, long bodyLimit, PuppetdbSdMetrics metrics, String owner,
                       Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.bodyLimit = bodyLimit;
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.url = config.queryUrl();
        this.refresher = new RefreshingDiscoverer("PuppetDB SD", config.refreshInterval(), threads,
                new DiscoveryFailures("PuppetDB SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(PuppetdbSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            return List.of(group(fetch()));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, PuppetdbSdMetrics.MECHANISM, owner);
        }
    }

    private byte[] fetch() throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("query", config.query()));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(config.refreshInterval())
                .header("User-Agent", USER_AGENT).header("Accept", "application/json").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException("Post \"" + url + "\": no answer within " + config.refreshInterval().toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IOException("Post \"" + url + "\": " + e.getMessage(), e);
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("server returned HTTP status " + response.statusCode());
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (!CONTENT_TYPE.matcher(type).matches()) {
                throw new IOException("unsupported content type " + type);
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1));
            if (bytes.length > bodyLimit) {
                throw new IOException("the answer is larger than " + bodyLimit + " bytes");
            }
            return bytes;
        }
    }

    TargetGroup group(byte[] body) throws IOException {
        JsonNode resources;
        try {
            resources = JSON.readTree(body);
        } catch (IOException e) {
            throw new IOException("the answer is not JSON: " + e.getMessage(), e);
        }
        if (resources == null || resources.isMissingNode()) {
            throw new IOException("unexpected end of JSON input");
        }
        if (!resources.isArray() && !resources.isNull()) {
            throw new IOException("json: cannot unmarshal " + type(resources) + " into Go value of type []puppetdb.Resource");
        }
        List<Labels> targets = new ArrayList<>();
        for (JsonNode resource : resources) {
            if (!resource.isObject() && !resource.isNull()) {
                throw new IOException("json: cannot unmarshal " + type(resource) + " into Go value of type puppetdb.Resource");
            }
            Map<String, String> labels = new LinkedHashMap<>();
            String certname = string(resource, "certname");
            labels.put(PREFIX + "query", config.query());
            labels.put(PREFIX + "certname", certname);
            labels.put(PREFIX + "resource", string(resource, "resource"));
            labels.put(PREFIX + "type", string(resource, "type"));
            labels.put(PREFIX + "title", string(resource, "title"));
            labels.put(PREFIX + "exported", Boolean.toString(bool(resource, "exported")));
            labels.put(PREFIX + "file", string(resource, "file"));
            labels.put(PREFIX + "environment", string(resource, "environment"));
            labels.put("__address__", (certname.indexOf(':') >= 0 ? "[" + certname + "]" : certname) + ":" + config.port());
            List<String> tags = tags(resource);
            if (!tags.isEmpty()) {
                // Surrounded by the separator, so relabeling regexes need not care where a tag sits.
                labels.put(PREFIX + "tags", SEPARATOR + String.join(SEPARATOR, tags) + SEPARATOR);
            }
            if (config.includeParameters()) {
                JsonNode parameters = field(resource, "parameters");
                if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
                    throw new IOException("json: cannot unmarshal " + type(parameters)
                            + " into Go struct field Resource.parameters of type puppetdb.Parameters");
                }
                if (parameters != null && parameters.isObject()) {
                    parameters(parameters).forEach((name, value) -> labels.put(PREFIX + "parameter_" + name, value));
                }
            }
            targets.add(Labels.fromMap(labels));
        }
        return new TargetGroup(url + "?query=" + config.query(), targets, Labels.EMPTY);
    }

    /** Prometheus's {@code Parameters.toLabels}: scalars, lists of scalars joined by commas, maps flattened; empty values left out. */
    static Map<String, String> parameters(JsonNode parameters) {
        Map<String, String> labels = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = parameters.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            String text;
            if (value.isArray()) {
                if (value.isEmpty()) {
                    continue;
                }
                List<String> values = new ArrayList<>();
                for (JsonNode item : value) {
                    String scalar = scalar(item);
                    values.add(scalar == null ? "" : scalar);
                }
                text = String.join(SEPARATOR, values);
            } else if (value.isObject()) {
                String prefix = sanitize(key + "_");
                parameters(value).forEach((name, sub) -> labels.put(prefix + name, sub));
                continue;
            } else {
                text = scalar(value);
                if (text == null) {
                    continue;
                }
            }
            if (!text.isEmpty()) {
                labels.put(sanitize(key), text);
            }
        }
        return labels;
    }

    /** A string, boolean or number as Prometheus formats it; null for anything else. */
    private static String scalar(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return Boolean.toString(node.asBoolean());
        }
        if (node.isNumber()) {
            // encoding/json reads every number of an untyped value as a float64.
            return formatFloat(node.doubleValue());
        }
        return null;
    }

    /** Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}: the shortest digits, in exponent form below 1e-4 and from 1e6. */
    static String formatFloat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0" : "0";
        }
        // Java's Double.toString gives the shortest digits that round-trip (JDK 19+), as Go's -1 precision does.
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exp = digits.length() - d.scale() - 1;
        // Go's 'g' with the shortest digits uses exponent form when exp < -4 or exp >= 6 (1e+06, 123456).
        int eprec = 6;
        String sign = v < 0 ? "-" : "";
        if (exp < -4 || exp >= eprec) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return d.toPlainString();
    }

    private static List<String> tags(JsonNode resource) throws IOException {
        JsonNode tags = field(resource, "tags");
        List<String> result = new ArrayList<>();
        if (tags == null || tags.isNull()) {
            return result;
        }
        if (!tags.isArray()) {
            throw new IOException("json: cannot unmarshal " + type(tags) + " into Go struct field Resource.tags of type []string");
        }
        for (JsonNode tag : tags) {
            if (!tag.isTextual() && !tag.isNull()) {
                throw new IOException("json: cannot unmarshal " + type(tag) + " into Go struct field Resource.tags of type string");
            }
            result.add(tag.isNull() ? "" : tag.asText());
        }
        return result;
    }

    /** A field matched as Go's JSON does (exact name, else ignoring case). */
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

    private static String string(JsonNode resource, String name) throws IOException {
        JsonNode node = field(resource, name);
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw new IOException("json: cannot unmarshal " + type(node) + " into Go struct field Resource." + name + " of type string");
        }
        return node.asText();
    }

    private static boolean bool(JsonNode resource, String name) throws IOException {
        JsonNode node = field(resource, name);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new IOException("json: cannot unmarshal " + type(node) + " into Go struct field Resource." + name + " of type bool");
        }
        return node.asBoolean();
    }

    private static String type(JsonNode node) {
        return switch (node.getNodeType()) {
            case BOOLEAN -> "bool";
            case NUMBER -> "number";
            default -> node.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
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
