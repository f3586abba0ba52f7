package io.promethium.discovery.http.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Follows one {@code http_sd_configs} block as Prometheus's {@code discovery/http} does: every
 * {@code refresh_interval} a GET of {@code url} (with {@code Accept: application/json} and
 * {@code X-Prometheus-Refresh-Interval-Seconds}, the request timing out after one interval)
 * whose 200 answer of type {@code application/json} is a JSON list of
 * {@code {"targets": [...], "labels": {...}}}. The i-th group's source is {@code url:i}, and
 * each carries {@code __meta_url}. A failed refresh (transport error, status, content type, a
 * body over the size limit, bad JSON) keeps the last targets, is counted in
 * {@code prometheus_sd_http_failures_total} and {@code prometheus_sd_refresh_failures_total}
 * and logged once per change of error ({@link RefreshingDiscoverer}).
 */
final class HttpDiscoverer implements Discoverer {

    static final String URL_LABEL = "__meta_url";
    static final String MECHANISM = "http";
    static final String USER_AGENT = "Promethium/0.1";

    /** Prometheus's {@code matchContentType}. */
    private static final Pattern CONTENT_TYPE = Pattern.compile("(?i:application/json(;\\s*charset=(\"utf-8\"|utf-8))?)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpSdConfig config;
    private final ConfiguredHttpClient http;
    private final long bodyLimit;
    private final HttpSdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;
    private final String refreshHeader;

    HttpDiscoverer(HttpSdConfig config, ConfiguredHttpClient http, long bodyLimit, HttpSdMetrics metrics, String owner, Logger log,
                   ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.bodyLimit = bodyLimit;
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        // Go's strconv.FormatFloat(seconds, 'f', -1): the shortest decimal, no exponent.
        this.refreshHeader = BigDecimal.valueOf(config.refreshInterval().toNanos(), 9).stripTrailingZeros().toPlainString();
        this.refresher = new RefreshingDiscoverer("HTTP SD", config.refreshInterval(), threads,
                new DiscoveryFailures("HTTP SD: ", log, metrics.failures), this::refresh);
        // On /metrics at 0 from the start, as Prometheus instantiates its refresh metrics.
        metrics.refreshFailures.add(0, MECHANISM, owner);
        metrics.refreshDuration.instantiate(MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            return fetch();
        } catch (IOException | RuntimeException e) {
            metrics.refreshFailures.inc(MECHANISM, owner);
            throw e;
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, MECHANISM, owner);
        }
    }

    private List<TargetGroup> fetch() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(config.url())).timeout(config.refreshInterval())
                .header("User-Agent", USER_AGENT).header("Accept", "application/json")
                .header("X-Prometheus-Refresh-Interval-Seconds", refreshHeader).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException("Get \"" + config.url() + "\": no answer within " + config.refreshInterval().toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IOException("Get \"" + config.url() + "\": " + e.getMessage(), e);
        }
        byte[] body;
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("server returned HTTP status " + response.statusCode());
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (!CONTENT_TYPE.matcher(type.strip()).matches()) {
                throw new IOException("unsupported content type \"" + type + "\"");
            }
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bodyLimit == Long.MAX_VALUE ? Long.MAX_VALUE : bodyLimit + 1));
            if (body.length > bodyLimit) {
                throw new IOException("the answer is larger than the body size limit of " + bodyLimit
                        + " bytes (--discovery.http.body-size-limit)");
            }
        }
        return parse(body);
    }

    /** The HTTP SD body: a JSON list of target groups, each with only {@code targets} and {@code labels}. */
    List<TargetGroup> parse(byte[] body) throws IOException {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(body));
        } catch (CharacterCodingException e) {
            throw new IOException("the answer is not valid UTF-8");
        }
        List<TargetGroup> groups = new ArrayList<>();
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new IOException("unexpected end of JSON input");
            }
            if (token == JsonToken.VALUE_NULL) {
                expectEnd(parser);
                return groups;
            }
            if (token != JsonToken.START_ARRAY) {
                throw new IOException("json: cannot unmarshal " + describe(token) + " into Go value of type []*targetgroup.Group");
            }
            int index = 0;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (token == null) {
                    throw new IOException("unexpected end of JSON input");
                }
                if (token == JsonToken.VALUE_NULL) {
                    throw new IOException("nil target group item found");
                }
                if (token != JsonToken.START_OBJECT) {
                    throw new IOException("json: cannot unmarshal " + describe(token) + " into Go value of type targetgroup.Group");
                }
                groups.add(group(parser, config.url() + ":" + index++));
            }
            expectEnd(parser);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("the answer is not JSON: " + e.getOriginalMessage(), e);
        }
        return groups;
    }

    private TargetGroup group(JsonParser parser, String source) throws IOException {
        List<Labels> targets = new ArrayList<>();
        Labels.Builder common = Labels.builder();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            token = parser.nextToken();
            switch (field) {
                case "targets" -> {
                    targets.clear();
                    if (token == JsonToken.VALUE_NULL) {
                        continue;
                    }
                    if (token != JsonToken.START_ARRAY) {
                        throw new IOException("json: cannot unmarshal " + describe(token) + " into Go struct field .targets of type []string");
                    }
                    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                        if (token != JsonToken.VALUE_STRING) {
                            throw new IOException("json: cannot unmarshal " + describe(token) + " into Go struct field .targets of type string");
                        }
                        targets.add(Labels.of("__address__", parser.getText()));
                    }
                }
                case "labels" -> {
                    if (token == JsonToken.VALUE_NULL) {
                        continue;
                    }
                    if (token != JsonToken.START_OBJECT) {
                        throw new IOException("json: cannot unmarshal " + describe(token) + " into Go struct field .labels of type model.LabelSet");
                    }
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        if (name.isEmpty()) {
                            throw new IOException("\"\" is not a valid label name");
                        }
                        token = parser.nextToken();
                        if (token != JsonToken.VALUE_STRING) {
                            throw new IOException("json: cannot unmarshal " + describe(token)
                                    + " into Go struct field .labels of type model.LabelValue");
                        }
                        common.set(name, parser.getText());
                    }
                }
                default -> throw new IOException("json: unknown field \"" + field + "\"");
            }
        }
        common.set(URL_LABEL, config.url());
        return new TargetGroup(source, targets, common.build());
    }

    private static void expectEnd(JsonParser parser) throws IOException {
        if (parser.nextToken() != null) {
            throw new IOException("invalid character after top-level value");
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "array";
            case START_OBJECT -> "object";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "bool";
            default -> token.toString();
        };
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
