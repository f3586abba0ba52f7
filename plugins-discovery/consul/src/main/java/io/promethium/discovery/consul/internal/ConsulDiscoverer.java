package io.promethium.discovery.consul.internal;

import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererThreads;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Follows one {@code consul_sd_configs} block as Prometheus does: a blocking query on the
 * catalog's services, and one on each watched service's instances, so a change arrives as
 * soon as Consul reports it. Each service is a target group (source: its name); a service that
 * leaves the catalog is sent as an empty group. A failed query keeps the last targets, is
 * counted in {@code prometheus_sd_consul_rpc_failures_total}, logged when its error changes, and
 * retried after {@code refresh_interval}. An index that goes backwards (a Consul restore or
 * leader change) restarts the watch from index 0, as Consul's documentation says.
 */
final class ConsulDiscoverer implements Discoverer {

    static final String ADDRESS = "__meta_consul_address";
    static final String DATACENTER = "__meta_consul_dc";
    static final String HEALTH = "__meta_consul_health";
    static final String NAMESPACE = "__meta_consul_namespace";
    static final String PARTITION = "__meta_consul_partition";
    static final String NODE = "__meta_consul_node";
    static final String NODE_METADATA = "__meta_consul_metadata_";
    static final String SERVICE = "__meta_consul_service";
    static final String SERVICE_ADDRESS = "__meta_consul_service_address";
    static final String SERVICE_ID = "__meta_consul_service_id";
    static final String SERVICE_METADATA = "__meta_consul_service_metadata_";
    static final String SERVICE_PORT = "__meta_consul_service_port";
    static final String TAGGED_ADDRESS = "__meta_consul_tagged_address_";
    static final String TAGS = "__meta_consul_tags";

    /** Consul asks clients to rate-limit blocking queries; this is the least time between two. */
    private static final Duration MIN_SPACING = Duration.ofMillis(100);

    private final ConsulSdConfig config;
    private final ConsulClient client;
    private final ConfiguredHttpClient http;
    private final ConsulSdMetrics metrics;
    private final DiscovererThreads threads;
    private final DiscoveryFailures failures;
    /** The thread watching each service; guarded by the threads' lock. */
    private final Map<String, Thread> watches = new HashMap<>();
    private Consumer<List<TargetGroup>> updates;
    private volatile String datacenter;

    ConsulDiscoverer(ConsulSdConfig config, ConsulClient client, ConfiguredHttpClient http, ConsulSdMetrics metrics, Logger log,
                     ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.client = Objects.requireNonNull(client, "client is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.threads = new DiscovererThreads(threads);
        this.failures = new DiscoveryFailures("Consul SD: ", Objects.requireNonNull(log, "log is null"), metrics.failures);
        this.datacenter = config.datacenter();
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        threads.lock().lock();
        try {
            if (updates != null) {
                throw new IllegalStateException("Consul discoverer already started");
            }
            updates = Objects.requireNonNull(sink, "sink is null");
            threads.start(this::watchCatalog);
        } finally {
            threads.lock().unlock();
        }
    }

    private void watchCatalog() {
        try {
            while (datacenter.isEmpty()) {
                long start = System.nanoTime();
                try {
                    datacenter = client.datacenter();
                    metrics.duration.observe(seconds(start), "agent", "agent");
                    succeeded("agent");
                } catch (IOException e) {
                    failed("agent", "cannot read the datacenter from the agent", e);
                    if (!threads.pause(config.refreshInterval())) {
                        return;
                    }
                }
            }
            long index = 0;
            boolean first = true;
            while (!threads.isClosed()) {
                long start = System.nanoTime();
                ConsulClient.Result<Map<String, List<String>>> result;
                try {
                    result = client.services(index);
                    metrics.duration.observe(seconds(start), "services", "catalog");
                    succeeded("catalog");
                } catch (IOException e) {
                    failed("catalog", "listing the catalog's services failed", e);
                    if (!threads.pause(config.refreshInterval())) {
                        return;
                    }
                    continue;
                }
                long next = result.index();
                if (!first && next == index) {
                    // The wait ended without a change.
                    if (!threads.pause(MIN_SPACING)) {
                        return;
                    }
                    continue;
                }
                index = next < index ? 0 : Math.max(next, 1);
                watch(result.value(), first);
                first = false;
                if (!threads.pause(MIN_SPACING)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** Starts watching the services to watch now, stops the others (sending their empty groups). */
    private void watch(Map<String, List<String>> services, boolean first) {
        List<TargetGroup> gone = new ArrayList<>();
        threads.lock().lock();
        try {
            if (threads.isClosed()) {
                return;
            }
            for (String name : new ArrayList<>(watches.keySet())) {
                if (!services.containsKey(name) || !shouldWatch(name, services.get(name))) {
                    watches.remove(name).interrupt();
                    gone.add(new TargetGroup(name, List.of(), Labels.EMPTY));
                }
            }
            for (Map.Entry<String, List<String>> service : services.entrySet()) {
                String name = service.getKey();
                if (!watches.containsKey(name) && shouldWatch(name, service.getValue())) {
                    watches.put(name, threads.start(() -> watchService(name)));
                }
            }
            if (!gone.isEmpty() || (first && watches.isEmpty())) {
                threads.send(updates, gone);
            }
        } finally {
            threads.lock().unlock();
        }
    }

    /** Prometheus's {@code shouldWatch}: a listed service (or any when none is listed) carrying every configured tag. */
    private boolean shouldWatch(String name, List<String> tags) {
        if (!config.services().isEmpty() && !config.services().contains(name)) {
            return false;
        }
        return tags.containsAll(config.tags());
    }

    private void watchService(String name) {
        long index = 0;
        TargetGroup last = null;
        try {
            while (stillWatching(name)) {
                long start = System.nanoTime();
                ConsulClient.Result<List<ConsulClient.ServiceNode>> result;
                try {
                    result = client.health(name, index);
                    metrics.duration.observe(seconds(start), "service", "health");
                    succeeded("service " + name);
                } catch (IOException e) {
                    failed("service " + name, "reading the instances of service " + name + " failed", e);
                    if (!threads.pause(config.refreshInterval())) {
                        return;
                    }
                    continue;
                }
                long next = result.index();
                if (last != null && next == index) {
                    if (!threads.pause(MIN_SPACING)) {
                        return;
                    }
                    continue;
                }
                index = next < index ? 0 : Math.max(next, 1);
                TargetGroup group = group(name, result.value());
                if (!group.equals(last)) {
                    threads.lock().lock();
                    try {
                        if (watches.get(name) != Thread.currentThread() || !threads.send(updates, List.of(group))) {
                            return;
                        }
                    } finally {
                        threads.lock().unlock();
                    }
                    last = group;
                }
                if (!threads.pause(MIN_SPACING)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // stopped: closed, or the service left the catalog
        }
    }

    private boolean stillWatching(String name) {
        threads.lock().lock();
        try {
            return !threads.isClosed() && watches.get(name) == Thread.currentThread();
        } finally {
            threads.lock().unlock();
        }
    }

    TargetGroup group(String name, List<ConsulClient.ServiceNode> nodes) {
        List<Labels> targets = new ArrayList<>(nodes.size());
        String separator = config.tagSeparator();
        for (ConsulClient.ServiceNode node : nodes) {
            String host = node.serviceAddress().isEmpty() ? node.nodeAddress() : node.serviceAddress();
            Labels.Builder labels = Labels.builder();
            labels.set("__address__", (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + node.servicePort());
            labels.set(ADDRESS, node.nodeAddress());
            labels.set(NODE, node.node());
            labels.set(NAMESPACE, node.namespace());
            labels.set(PARTITION, node.partition());
            labels.set(TAGS, node.serviceTags().isEmpty() ? "" : separator + String.join(separator, node.serviceTags()) + separator);
            labels.set(SERVICE_ADDRESS, node.serviceAddress());
            labels.set(SERVICE_PORT, Integer.toString(node.servicePort()));
            labels.set(SERVICE_ID, node.serviceId());
            labels.set(HEALTH, node.health());
            node.nodeMeta().forEach((key, value) -> labels.set(NODE_METADATA + sanitize(key), value));
            node.serviceMeta().forEach((key, value) -> labels.set(SERVICE_METADATA + sanitize(key), value));
            node.taggedAddresses().forEach((key, value) -> labels.set(TAGGED_ADDRESS + sanitize(key), value));
            targets.add(labels.build());
        }
        Map<String, String> common = new LinkedHashMap<>();
        common.put(SERVICE, name);
        common.put(DATACENTER, datacenter);
        return new TargetGroup(name, targets, Labels.fromMap(common));
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

    private void failed(String call, String what, IOException e) {
        failures.failed(call, what + ", keeping the last targets, retrying every " + config.refreshInterval(), e);
    }

    private void succeeded(String call) {
        failures.succeeded(call);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    @Override
    public void close() {
        // Interrupting cancels a blocking query in flight; the watch threads were started by threads too.
        threads.close();
        http.close();
    }
}
