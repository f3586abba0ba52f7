package io.promethium.discovery.linode.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.discovery.linode.internal.CloudApi.list;
import static io.promethium.discovery.linode.internal.CloudApi.object;
import static io.promethium.discovery.linode.internal.CloudApi.text;

import io.promethium.api.discovery.JsonHttpFetch;
import com.fasterxml.jackson.databind.JsonNode;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Follows one {@code linode_sd_configs} block as Prometheus's {@code discovery/linode} does, over
 * Linode's API v4: {@code /linode/instances}, {@code /networking/ips} and
 * {@code /networking/ipv6/ranges} (500 a page, every page, {@code X-Filter} by region when one is
 * set); one group {@code Linode}, a target per instance with an IPv4 address on its public IPv4
 * and {@code port}. After the first full read, a refresh first asks {@code /account/events}
 * for events since the last refresh and reads everything again only when there are some (or
 * after ten quiet refreshes); a token that may not read events (401) turns that off. A failed
 * refresh keeps the last targets.
 */
final class LinodeDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_linode_";
    private static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private final LinodeSdConfig config;
    private final URI endpoint;
    private final JsonHttpFetch<JsonNode> api;
    private final ConfiguredHttpClient http;
    private final LinodeSdMetrics metrics;
    private final String owner;
    private final Clock clock;
    private final RefreshingDiscoverer refresher;
    // Touched only by the refresh thread (one refresh at a time).
    private LocalDateTime lastRefresh;
    private int pollCount;
    private List<TargetGroup> lastResults;
    private boolean eventPolling = true;

    LinodeDiscoverer(LinodeSdConfig config, URI endpoint, ConfiguredHttpClient http, long bodyLimit, LinodeSdMetrics metrics, String owner,
                     Logger log, ThreadFactory threads, Clock clock) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.api = new JsonHttpFetch<>(http, config.refreshInterval(), bodyLimit, CloudApi.JSON::readTree);
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.lastRefresh = LocalDateTime.now(clock.withZone(ZoneOffset.UTC));
        this.refresher = new RefreshingDiscoverer("Linode SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Linode SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(LinodeSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            boolean needsRefresh = true;
            LocalDateTime now = LocalDateTime.now(clock.withZone(ZoneOffset.UTC));
            if (lastResults != null && eventPolling) {
                String filter = "{\"created\": {\"+gte\": \"" + EVENT_TIME.format(lastRefresh.truncatedTo(ChronoUnit.SECONDS)) + "\"}}";
                try {
                    JsonNode events = api.get(endpoint.resolve("account/events?page=1&page_size=25"), "X-Filter", filter);
                    pollCount++;
                    if (!list(events, "data").iterator().hasNext() && pollCount < 10) {
                        needsRefresh = false;
                    }
                } catch (JsonHttpFetch.StatusException e) {
                    if (e.status() != 401) {
                        throw e;
                    }
                    // A token without the events scope: read everything every time from now on, as Prometheus.
                    eventPolling = false;
                }
            }
            if (needsRefresh) {
                List<TargetGroup> fresh;
                try {
                    fresh = refreshData();
                } catch (IOException e) {
                    metrics.linodeFailures.inc();
                    throw e;
                }
                pollCount = 0;
                lastResults = fresh;
            }
            lastRefresh = now;
            return lastResults;
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, LinodeSdMetrics.MECHANISM, owner);
        }
    }

    /** Every item of a list (linodego's paginated read: the first page, then pages 2.. up to {@code pages}). */
    private List<JsonNode> all(String path) throws IOException, InterruptedException {
        String[] filter = config.region().isEmpty() ? new String[0]
                : new String[] {"X-Filter", "{\"region\": \"" + config.region().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}"};
        List<JsonNode> items = new ArrayList<>();
        JsonNode first = api.get(endpoint.resolve(path + "?page_size=500"), filter);
        list(first, "data").forEach(items::add);
        long pages = first.path("pages").asLong(1);
        for (long page = 2; page <= pages; page++) {
            list(api.get(endpoint.resolve(path + "?page=" + page + "&page_size=500"), filter), "data").forEach(items::add);
        }
        return items;
    }

    private List<TargetGroup> refreshData() throws IOException, InterruptedException {
        List<JsonNode> instances = all("linode/instances");
        List<JsonNode> ips = all("networking/ips");
        List<JsonNode> ranges = all("networking/ipv6/ranges");
        String sep = config.tagSeparator();
        List<Labels> targets = new ArrayList<>();
        for (JsonNode instance : instances) {
            JsonNode ipv4 = object(instance, "ipv4");
            if (ipv4 == null || !ipv4.isArray() || ipv4.isEmpty()) {
                continue;
            }
            String privateIpv4 = "";
            String publicIpv4 = "";
            String publicIpv6 = "";
            String privateIpv4Rdns = "";
            String publicIpv4Rdns = "";
            String publicIpv6Rdns = "";
            List<String> extraIps = new ArrayList<>();
            List<String> ipv6Ranges = new ArrayList<>();
            for (JsonNode ip : ipv4) {
                for (JsonNode detailed : ips) {
                    String address = text(detailed, "address");
                    if (!address.equals(ip.asText())) {
                        continue;
                    }
                    boolean isPublic = detailed.path("public").asBoolean(false);
                    if (isPublic && publicIpv4.isEmpty()) {
                        publicIpv4 = address;
                        publicIpv4Rdns = rdns(detailed);
                    } else if (!isPublic && privateIpv4.isEmpty()) {
                        privateIpv4 = address;
                        privateIpv4Rdns = rdns(detailed);
                    } else {
                        extraIps.add(address);
                    }
                }
            }
            String ipv6 = text(instance, "ipv6");
            if (!ipv6.isEmpty()) {
                String slaac = ipv6.split("/", -1)[0];
                for (JsonNode detailed : ips) {
                    if (text(detailed, "address").equals(slaac)) {
                        publicIpv6 = slaac;
                        publicIpv6Rdns = rdns(detailed);
                    }
                }
                for (JsonNode range : ranges) {
                    if (text(range, "route_target").equals(slaac)) {
                        ipv6Ranges.add(text(range, "range") + "/" + integer(range, "prefix"));
                    }
                }
            }
            JsonNode specs = object(instance, "specs");
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put(PREFIX + "instance_id", integer(instance, "id"));
            labels.put(PREFIX + "instance_label", text(instance, "label"));
            labels.put(PREFIX + "image", text(instance, "image"));
            labels.put(PREFIX + "private_ipv4", privateIpv4);
            labels.put(PREFIX + "public_ipv4", publicIpv4);
            labels.put(PREFIX + "public_ipv6", publicIpv6);
            labels.put(PREFIX + "private_ipv4_rdns", privateIpv4Rdns);
            labels.put(PREFIX + "public_ipv4_rdns", publicIpv4Rdns);
            labels.put(PREFIX + "public_ipv6_rdns", publicIpv6Rdns);
            labels.put(PREFIX + "region", text(instance, "region"));
            labels.put(PREFIX + "type", text(instance, "type"));
            labels.put(PREFIX + "status", text(instance, "status"));
            labels.put(PREFIX + "group", text(instance, "group"));
            labels.put(PREFIX + "gpus", integer(specs, "gpus"));
            labels.put(PREFIX + "hypervisor", text(instance, "hypervisor"));
            labels.put(PREFIX + "backups", object(instance, "backups") != null
                    && object(instance, "backups").path("enabled").asBoolean(false) ? "enabled" : "disabled");
            // The API gives MiB; Prometheus reports bytes.
            labels.put(PREFIX + "specs_disk_bytes", Long.toString(number(specs, "disk") << 20));
            labels.put(PREFIX + "specs_memory_bytes", Long.toString(number(specs, "memory") << 20));
            labels.put(PREFIX + "specs_vcpus", integer(specs, "vcpus"));
            labels.put(PREFIX + "specs_transfer_bytes", Long.toString(number(specs, "transfer") << 20));
            labels.put("__address__", joinHostPort(publicIpv4, config.port()));
            List<String> tags = new ArrayList<>();
            list(instance, "tags").forEach(t -> tags.add(t.asText()));
            // Surrounded by the separator, so relabeling regexes need not care where an entry sits.
            if (!tags.isEmpty()) {
                labels.put(PREFIX + "tags", sep + String.join(sep, tags) + sep);
            }
            if (!extraIps.isEmpty()) {
                labels.put(PREFIX + "extra_ips", sep + String.join(sep, extraIps) + sep);
            }
            if (!ipv6Ranges.isEmpty()) {
                labels.put(PREFIX + "ipv6_ranges", sep + String.join(sep, ipv6Ranges) + sep);
            }
            targets.add(Labels.fromMap(labels));
        }
        return List.of(new TargetGroup("Linode", targets, Labels.EMPTY));
    }

    private static String rdns(JsonNode detailed) {
        String rdns = text(detailed, "rdns");
        return rdns.equals("null") ? "" : rdns;
    }

    private static long number(JsonNode node, String name) {
        JsonNode value = object(node, name);
        return value == null || !value.isNumber() ? 0 : value.longValue();
    }

    private static String integer(JsonNode node, String name) {
        return Long.toString(number(node, name));
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
