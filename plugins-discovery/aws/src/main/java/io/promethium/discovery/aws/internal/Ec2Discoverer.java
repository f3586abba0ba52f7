package io.promethium.discovery.aws.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.api.discovery.JsonHttpFetch.sanitize;
import static io.promethium.discovery.aws.internal.AwsClient.child;
import static io.promethium.discovery.aws.internal.AwsClient.items;
import static io.promethium.discovery.aws.internal.AwsClient.optional;
import static io.promethium.discovery.aws.internal.AwsClient.text;

import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.w3c.dom.Element;

/**
 * Follows one {@code ec2_sd_configs} block as Prometheus's {@code discovery/aws/ec2.go} does:
 * {@code DescribeAvailabilityZones} once (zone ids; a failure is only logged at debug level and
 * retried next refresh), then {@code DescribeInstances} with the filters, every page through
 * {@code NextToken}, signed with SigV4 ({@link AwsCredentialsProvider}); one group whose source is
 * the region, a target per instance with a private IPv4 (or an IPv6 address) on it and
 * {@code port}. An {@code AuthFailure} or {@code UnauthorizedOperation} drops the cached
 * credentials. A failed refresh keeps the last targets.
 */
final class Ec2Discoverer implements Discoverer {

    static final String PREFIX = "__meta_ec2_";
    private static final String SEPARATOR = ",";
    private static final String VERSION = "2016-11-15";

    private final Ec2SdConfig config;
    private final ConfiguredHttpClient http;
    private final AwsClient client;
    private final UnaryOperator<String> env;
    private final Path home;
    private final Clock clock;
    private final AwsSdMetrics metrics;
    private final String owner;
    private final Logger log;
    private final RefreshingDiscoverer refresher;
    // Touched only by the refresh thread.
    private String region;
    private URI endpoint;
    private AwsCredentialsProvider credentials;
    private Map<String, String> zoneIds;

    Ec2Discoverer(Ec2SdConfig config, ConfiguredHttpClient http, long bodyLimit, UnaryOperator<String> env, Path home, Clock clock,
                  AwsSdMetrics metrics, String owner, Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.client = new AwsClient(http, config.refreshInterval(), bodyLimit, clock);
        this.env = Objects.requireNonNull(env, "env is null");
        this.home = Objects.requireNonNull(home, "home is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.log = Objects.requireNonNull(log, "log is null");
        this.refresher = new RefreshingDiscoverer("EC2 SD", config.refreshInterval(), threads,
                new DiscoveryFailures("EC2 SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(metrics.mechanism, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    /** Region, endpoint and credentials, found on the first refresh (as Prometheus builds its client then). */
    private void connect() throws IOException, InterruptedException {
        if (credentials != null) {
            return;
        }
        AwsCredentialsProvider provider = AwsCredentialsProvider.forRegion(client, config.region(), config.accessKey(),
                config.secretKey(), config.profile(), config.roleArn(), config.externalId(), env, home, clock);
        region = provider.region();
        endpoint = URI.create(config.endpoint().isEmpty() ? "https://ec2." + region + ".amazonaws.com/" : config.endpoint());
        credentials = provider;
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            connect();
            if (zoneIds == null) {
                try {
                    Map<String, String> ids = new HashMap<>();
                    Element answer = client.query(endpoint, region, "ec2", List.of(Map.entry("Action", "DescribeAvailabilityZones"),
                            Map.entry("Version", VERSION)), credentials.credentials());
                    for (Element zone : items(AwsClient.first(answer, "availabilityZoneInfo"))) {
                        String name = optional(zone, "zoneName");
                        String id = optional(zone, "zoneId");
                        if (name != null && id != null) {
                            ids.put(name, id);
                        }
                    }
                    zoneIds = ids;
                } catch (IOException e) {
                    log.log(Level.FINE, "EC2 SD: unable to describe availability zones: " + e.getMessage());
                }
            }
            List<Labels> targets = new ArrayList<>();
            String nextToken = "";
            do {
                List<Map.Entry<String, String>> params = new ArrayList<>();
                params.add(Map.entry("Action", "DescribeInstances"));
                params.add(Map.entry("Version", VERSION));
                for (int i = 0; i < config.filters().size(); i++) {
                    Ec2SdConfig.Filter filter = config.filters().get(i);
                    params.add(Map.entry("Filter." + (i + 1) + ".Name", filter.name()));
                    for (int j = 0; j < filter.values().size(); j++) {
                        params.add(Map.entry("Filter." + (i + 1) + ".Value." + (j + 1), filter.values().get(j)));
                    }
                }
                if (!nextToken.isEmpty()) {
                    params.add(Map.entry("NextToken", nextToken));
                }
                Element page;
                try {
                    page = client.query(endpoint, region, "ec2", params, credentials.credentials());
                } catch (AwsClient.AwsException e) {
                    if (e.code.equals("AuthFailure") || e.code.equals("UnauthorizedOperation")) {
                        // As Prometheus: build the client (and find credentials) anew next time.
                        credentials = null;
                    }
                    throw new IOException("could not describe instances: " + e.getMessage(), e);
                } catch (IOException e) {
                    throw new IOException("could not describe instances: " + e.getMessage(), e);
                }
                for (Element reservation : items(child(page, "reservationSet"))) {
                    for (Element instance : items(child(reservation, "instancesSet"))) {
                        Labels labels = instance(reservation, instance);
                        if (labels != null) {
                            targets.add(labels);
                        }
                    }
                }
                nextToken = text(page, "nextToken");
            } while (!nextToken.isEmpty());
            return List.of(new TargetGroup(region, targets, Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, metrics.mechanism, owner);
        }
    }

    private Labels instance(Element reservation, Element instance) {
        String defaultIpv6 = null;
        List<String> primaryIpv6 = new ArrayList<>();
        List<String> ipv6 = new ArrayList<>();
        boolean inVpc = optional(instance, "vpcId") != null;
        if (inVpc) {
            for (Element eni : items(child(instance, "networkInterfaceSet"))) {
                if (optional(eni, "subnetId") == null) {
                    continue;
                }
                for (Element address : items(child(eni, "ipv6AddressesSet"))) {
                    String ip = text(address, "ipv6Address");
                    ipv6.add(ip);
                    if ("true".equals(text(address, "isPrimaryIpv6"))) {
                        int index = Integer.parseInt(text(child(eni, "attachment"), "deviceIndex").isEmpty() ? "0"
                                : text(child(eni, "attachment"), "deviceIndex"));
                        while (primaryIpv6.size() <= index) {
                            primaryIpv6.add("");
                        }
                        primaryIpv6.set(index, ip);
                    }
                }
            }
            List<String> candidates = new ArrayList<>(primaryIpv6);
            candidates.addAll(ipv6);
            defaultIpv6 = candidates.stream().filter(a -> !a.isEmpty()).findFirst().orElse(null);
        }
        String privateIp = optional(instance, "privateIpAddress");
        if (privateIp == null && defaultIpv6 == null) {
            return null;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PREFIX + "instance_id", text(instance, "instanceId"));
        labels.put(PREFIX + "region", region);
        String ownerId = optional(reservation, "ownerId");
        if (ownerId != null) {
            labels.put(PREFIX + "owner_id", ownerId);
        }
        if (defaultIpv6 != null) {
            labels.put(PREFIX + "default_ipv6_address", defaultIpv6);
        }
        if (privateIp != null) {
            labels.put(PREFIX + "private_ip", privateIp);
            labels.put("__address__", joinHostPort(privateIp, config.port()));
        } else {
            labels.put("__address__", joinHostPort(defaultIpv6, config.port()));
        }
        String privateDns = optional(instance, "privateDnsName");
        if (privateDns != null) {
            labels.put(PREFIX + "private_dns_name", privateDns);
        }
        if (!text(instance, "platform").isEmpty()) {
            labels.put(PREFIX + "platform", text(instance, "platform"));
        }
        String publicIp = optional(instance, "ipAddress");
        if (publicIp != null) {
            labels.put(PREFIX + "public_ip", publicIp);
            labels.put(PREFIX + "public_dns_name", text(instance, "dnsName"));
        }
        if (!primaryIpv6.isEmpty()) {
            labels.put(PREFIX + "primary_ipv6_addresses", SEPARATOR + String.join(SEPARATOR, primaryIpv6) + SEPARATOR);
        }
        if (!ipv6.isEmpty()) {
            labels.put(PREFIX + "ipv6_addresses", SEPARATOR + String.join(SEPARATOR, ipv6) + SEPARATOR);
        }
        labels.put(PREFIX + "ami", text(instance, "imageId"));
        String zone = text(child(instance, "placement"), "availabilityZone");
        labels.put(PREFIX + "availability_zone", zone);
        labels.put(PREFIX + "availability_zone_id", zoneIds == null ? "" : zoneIds.getOrDefault(zone, ""));
        labels.put(PREFIX + "instance_state", text(child(instance, "instanceState"), "name"));
        labels.put(PREFIX + "instance_type", text(instance, "instanceType"));
        if (!text(instance, "instanceLifecycle").isEmpty()) {
            labels.put(PREFIX + "instance_lifecycle", text(instance, "instanceLifecycle"));
        }
        if (!text(instance, "architecture").isEmpty()) {
            labels.put(PREFIX + "architecture", text(instance, "architecture"));
        }
        if (inVpc) {
            labels.put(PREFIX + "vpc_id", text(instance, "vpcId"));
            labels.put(PREFIX + "primary_subnet_id", text(instance, "subnetId"));
            Set<String> subnets = new LinkedHashSet<>();
            for (Element eni : items(child(instance, "networkInterfaceSet"))) {
                String subnet = optional(eni, "subnetId");
                if (subnet != null) {
                    subnets.add(subnet);
                }
            }
            labels.put(PREFIX + "subnet_id", SEPARATOR + String.join(SEPARATOR, subnets) + SEPARATOR);
        }
        for (Element tag : items(child(instance, "tagSet"))) {
            String key = optional(tag, "key");
            String value = optional(tag, "value");
            if (key != null && value != null) {
                labels.put(PREFIX + "tag_" + sanitize(key), value);
            }
        }
        return Labels.fromMap(labels);
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
