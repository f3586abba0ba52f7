package io.promethium.discovery.outscale.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.api.discovery.JsonHttpFetch.sanitize;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.JsonHttpFetch;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.model.Labels;
import io.promethium.sigv4.AwsCredentials;
import io.promethium.sigv4.SigV4Signer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Follows one {@code outscale_sd_configs} block as Prometheus's {@code discovery/outscale} does,
 * over Outscale's OSC API as its Go SDK calls it: {@code POST <endpoint>/ReadVms} with a JSON body
 * ({@code {}}, then {@code {"NextPageToken": ...}} until none), signed with AWS SigV4 for service
 * {@code oapi} and region {@code eu-west-2} (the SDK's fixed signing region, whatever the
 * configured one; the library tier's {@link SigV4Signer}). One group whose source is the region, a
 * target per VM with a private (else public) IP on {@code port}, with
 * {@code __meta_outscale_vm_{instance_id,region,subregion,state,private_ip,public_ip,tag_*}}.
 * A failed refresh keeps the last targets.
 */
final class OutscaleDiscoverer implements Discoverer {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String PREFIX = "__meta_outscale_vm_";

    private final OutscaleSdConfig config;
    private final ConfiguredHttpClient http;
    private final JsonHttpFetch<JsonNode> api;
    private final Clock clock;
    private final OutscaleSdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;

    OutscaleDiscoverer(OutscaleSdConfig config, ConfiguredHttpClient http, long bodyLimit, Clock clock, OutscaleSdMetrics metrics,
                       String owner, Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.api = new JsonHttpFetch<>(http, config.refreshInterval(), bodyLimit, JSON::readTree);
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.refresher = new RefreshingDiscoverer("Outscale SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Outscale SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(OutscaleSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            String secret = config.secretKey();
            if (config.secretKeyFile() != null) {
                try {
                    secret = Files.readString(config.secretKeyFile()).strip();
                } catch (IOException e) {
                    throw new IOException("unable to read outscale secret key file " + config.secretKeyFile() + ": " + e.getMessage(), e);
                }
            }
            AwsCredentials credentials = new AwsCredentials(config.accessKey(), secret, null);
            String base = config.endpoint().toString();
            URI uri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/ReadVms");
            List<Labels> targets = new ArrayList<>();
            String token = null;
            do {
                ObjectNode request = JSON.createObjectNode();
                if (token != null) {
                    request.put("NextPageToken", token);
                }
                JsonNode answer;
                try {
                    answer = post(uri, JSON.writeValueAsBytes(request), credentials);
                } catch (IOException e) {
                    throw new IOException("outscale ReadVms: " + e.getMessage(), e);
                }
                for (JsonNode vm : answer.path("Vms")) {
                    Labels labels = vm(vm);
                    if (labels != null) {
                        targets.add(labels);
                    }
                }
                JsonNode next = answer.get("NextPageToken");
                token = next == null || next.isNull() || next.asText().isEmpty() ? null : next.asText();
            } while (token != null);
            return List.of(new TargetGroup(config.region(), targets, Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, OutscaleSdMetrics.MECHANISM, owner);
        }
    }

    private JsonNode post(URI uri, byte[] body, AwsCredentials credentials) throws IOException, InterruptedException {
        String contentType = "application/json";
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("https".equals(uri.getScheme()) && port == 443) || ("http".equals(uri.getScheme()) && port == 80);
        String host = uri.getHost() + (defaultPort ? "" : ":" + port);
        SigV4Signer.Signed signed = new SigV4Signer("eu-west-2", "oapi").sign("POST", uri.getRawPath(), null,
                List.of(Map.entry("Host", host), Map.entry("Content-Type", contentType)), body, credentials, clock.instant(), false);
        List<String> headers = new ArrayList<>();
        signed.headers().forEach((k, v) -> {
            headers.add(k);
            headers.add(v);
        });
        return api.send("POST", uri, contentType, body, headers.toArray(String[]::new));
    }

    private Labels vm(JsonNode vm) {
        String privateIp = text(vm, "PrivateIp");
        String publicIp = text(vm, "PublicIp");
        String address;
        if (privateIp != null && !privateIp.isEmpty()) {
            address = joinHostPort(privateIp, config.port());
        } else if (publicIp != null && !publicIp.isEmpty()) {
            address = joinHostPort(publicIp, config.port());
        } else {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("__address__", address);
        labels.put(PREFIX + "instance_id", orEmpty(text(vm, "VmId")));
        labels.put(PREFIX + "region", config.region());
        labels.put(PREFIX + "state", orEmpty(text(vm, "State")));
        String subregion = text(vm.path("Placement"), "SubregionName");
        if (subregion != null) {
            labels.put(PREFIX + "subregion", subregion);
        }
        if (privateIp != null) {
            labels.put(PREFIX + "private_ip", privateIp);
        }
        if (publicIp != null) {
            labels.put(PREFIX + "public_ip", publicIp);
        }
        for (JsonNode tag : vm.path("Tags")) {
            String key = orEmpty(text(tag, "Key"));
            String value = orEmpty(text(tag, "Value"));
            if (!key.isEmpty() && !value.isEmpty()) {
                labels.put(PREFIX + "tag_" + sanitize(key), value);
            }
        }
        return Labels.fromMap(labels);
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
