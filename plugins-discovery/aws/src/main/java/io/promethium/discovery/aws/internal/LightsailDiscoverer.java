package io.promethium.discovery.aws.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.promethium.api.discovery.JsonHttpFetch;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * Follows one {@code lightsail_sd_configs} block as Prometheus's {@code discovery/aws/lightsail.go}
 * does: Lightsail's {@code GetInstances} (JSON protocol, signed with SigV4 for service
 * {@code lightsail}); one group whose source is the region, a target per instance with a private
 * IP on it and {@code port}. Unlike Prometheus, which reads the first page only, every page is read
 * through {@code nextPageToken}. An {@code AuthFailure} or {@code UnauthorizedOperation} drops the
 * cached credentials. A failed refresh keeps the last targets.
 */
final class LightsailDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_lightsail_";
    static final String TARGET = "Lightsail_20161128.GetInstances";
    private static final String SEPARATOR = ",";

    private final LightsailSdConfig config;
    private final ConfiguredHttpClient http;
    private final AwsClient client;
    private final UnaryOperator<String> env;
    private final Path home;
    private final Clock clock;
    private final AwsSdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;
    // Touched only by the refresh thread.
    private String region;
    private URI endpoint;
    private AwsCredentialsProvider credentials;

    LightsailDiscoverer(LightsailSdConfig config, ConfiguredHttpClient http, long bodyLimit, UnaryOperator<String> env, Path home,
                        Clock clock, AwsSdMetrics metrics, String owner, Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.client = new AwsClient(http, config.refreshInterval(), bodyLimit, clock);
        this.env = Objects.requireNonNull(env, "env is null");
        this.home = Objects.requireNonNull(home, "home is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.refresher = new RefreshingDiscoverer("Lightsail SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Lightsail SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(metrics.mechanism, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            if (credentials == null) {
                AwsCredentialsProvider provider = AwsCredentialsProvider.forRegion(client, config.region(), config.accessKey(),
                        config.secretKey(), config.profile(), config.roleArn(), config.externalId(), env, home, clock);
                region = provider.region();
                endpoint = URI.create(config.endpoint().isEmpty() ? "https://lightsail." + region + ".amazonaws.com/" : config.endpoint());
                credentials = provider;
            }
            List<Labels> targets = new ArrayList<>();
            String pageToken = "";
            do {
                String body = pageToken.isEmpty() ? "{}" : AwsClient.JSON.writeValueAsString(Map.of("pageToken", pageToken));
                JsonNode answer;
                try {
                    answer = client.json(endpoint, region, "lightsail", TARGET, body.getBytes(StandardCharsets.UTF_8),
                            credentials.credentials());
                } catch (AwsClient.AwsException e) {
                    if (e.code.equals("AuthFailure") || e.code.equals("UnauthorizedOperation")) {
                        credentials = null;
                    }
                    throw new IOException("could not get instances: " + e.getMessage(), e);
                } catch (IOException e) {
                    throw new IOException("could not get instances: " + e.getMessage(), e);
                }
                JsonNode instances = answer.path("instances");
                if (instances.isArray()) {
                    for (JsonNode instance : instances) {
                        Labels labels = instance(instance);
                        if (labels != null) {
                            targets.add(labels);
                        }
                    }
                }
                pageToken = answer.path("nextPageToken").asText("");
            } while (!pageToken.isEmpty());
            return List.of(new TargetGroup(region, targets, Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, metrics.mechanism, owner);
        }
    }

    private Labels instance(JsonNode instance) {
        JsonNode privateIp = instance.get("privateIpAddress");
        if (privateIp == null || privateIp.isNull()) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PREFIX + "private_ip", privateIp.asText());
        labels.put(PREFIX + "region", region);
        putIfPresent(labels, "availability_zone", instance.path("location").get("availabilityZone"));
        putIfPresent(labels, "blueprint_id", instance.get("blueprintId"));
        putIfPresent(labels, "bundle_id", instance.get("bundleId"));
        putIfPresent(labels, "instance_name", instance.get("name"));
        putIfPresent(labels, "instance_state", instance.path("state").get("name"));
        putIfPresent(labels, "instance_support_code", instance.get("supportCode"));
        labels.put("__address__", JsonHttpFetch.joinHostPort(privateIp.asText(), config.port()));
        putIfPresent(labels, "public_ip", instance.get("publicIpAddress"));
        JsonNode ipv6 = instance.get("ipv6Addresses");
        if (ipv6 != null && ipv6.isArray() && !ipv6.isEmpty()) {
            List<String> addresses = new ArrayList<>();
            ipv6.forEach(a -> addresses.add(a.asText()));
            labels.put(PREFIX + "ipv6_addresses", SEPARATOR + String.join(SEPARATOR, addresses) + SEPARATOR);
        }
        JsonNode tags = instance.get("tags");
        if (tags != null && tags.isArray()) {
            for (JsonNode tag : tags) {
                JsonNode key = tag.get("key");
                JsonNode value = tag.get("value");
                if (key != null && !key.isNull() && value != null && !value.isNull()) {
                    labels.put(PREFIX + "tag_" + JsonHttpFetch.sanitize(key.asText()), value.asText());
                }
            }
        }
        return Labels.fromMap(labels);
    }

    private static void putIfPresent(Map<String, String> labels, String name, JsonNode value) {
        if (value != null && !value.isNull()) {
            labels.put(PREFIX + name, value.asText());
        }
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
