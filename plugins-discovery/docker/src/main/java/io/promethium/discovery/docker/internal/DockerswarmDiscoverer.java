package io.promethium.discovery.docker.internal;

import io.promethium.goformat.GoAddresses;
import com.fasterxml.jackson.databind.JsonNode;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.io.IOException;
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
 * Follows one {@code dockerswarm_sd_configs} block as Prometheus's {@code discovery/moby} does:
 * every {@code refresh_interval}, by role, the swarm's services (a target per virtual IP and TCP
 * published port, else per virtual IP on {@code port}), tasks (a target per published port on
 * its node, and per network address and service TCP port, else per address on {@code port}) or
 * nodes (a target per node on {@code port}); one group {@code DockerSwarm}, labelled
 * {@code __meta_dockerswarm_*}. Filters apply to the role's own list, as in Prometheus. A failed
 * refresh keeps the last targets, is counted in
 * {@code prometheus_sd_refresh_failures_total{mechanism="dockerswarm"}} and logged once per change.
 */
final class DockerswarmDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_dockerswarm_";
    static final String SERVICE = PREFIX + "service_";
    static final String NODE = PREFIX + "node_";
    static final String TASK = PREFIX + "task_";

    private final DockerswarmSdConfig config;
    private final DockerApi api;
    private final DockerSdMetrics metrics;
    private final String owner;
    private final String filters;
    private final RefreshingDiscoverer refresher;

    DockerswarmDiscoverer(DockerswarmSdConfig config, DockerApi api, DockerSdMetrics metrics, String owner, Logger log,
                          ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.api = Objects.requireNonNull(api, "api is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.filters = DockerDiscoverer.filterQuery(config.filters());
        this.refresher = new RefreshingDiscoverer("Docker Swarm SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Docker Swarm SD: ", log, metrics.failuresOf(owner)), this::refresh);
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
            List<Labels> targets = switch (config.role()) {
                case "services" -> services();
                case "nodes" -> nodes();
                default -> tasks();
            };
            return List.of(new TargetGroup("DockerSwarm", targets, Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, metrics.mechanism, owner);
        }
    }

    private JsonNode get(String path, String what) throws IOException, InterruptedException {
        try {
            return api.get(path);
        } catch (IOException e) {
            throw new IOException(what + ": " + e.getMessage(), e);
        }
    }

    private static String mode(JsonNode service) {
        JsonNode mode = service.path("Spec").path("Mode");
        if (mode.hasNonNull("Global")) {
            return "global";
        }
        if (mode.hasNonNull("Replicated")) {
            return "replicated";
        }
        return "";
    }

    private List<Labels> services() throws IOException, InterruptedException {
        JsonNode services = get("/services" + filters, "error while listing swarm services");
        Map<String, Map<String, String>> networkLabels = DockerDiscoverer.networkLabels(
                get("/networks", "error while computing swarm network labels"), PREFIX);
        List<Labels> targets = new ArrayList<>();
        for (JsonNode s : DockerDiscoverer.array(services, "services")) {
            Map<String, String> common = new LinkedHashMap<>();
            common.put(SERVICE + "id", text(s, "ID"));
            common.put(SERVICE + "name", text(s.path("Spec"), "Name"));
            common.put(SERVICE + "mode", mode(s));
            JsonNode container = s.path("Spec").path("TaskTemplate").path("ContainerSpec");
            if (container.isObject()) {
                common.put(SERVICE + "task_container_hostname", text(container, "Hostname"));
                common.put(SERVICE + "task_container_image", text(container, "Image"));
            }
            if (s.path("UpdateStatus").isObject()) {
                common.put(SERVICE + "updating_status", text(s.path("UpdateStatus"), "State"));
            }
            DockerDiscoverer.forEach(s.path("Spec").path("Labels"), (k, v) -> common.put(SERVICE + "label_" + DockerDiscoverer.sanitize(k), v));
            for (JsonNode vip : DockerDiscoverer.array(s.path("Endpoint").path("VirtualIPs"), "VirtualIPs")) {
                String ip = cidrAddress(text(vip, "Addr"));
                Map<String, String> net = networkLabels.getOrDefault(text(vip, "NetworkID"), Map.of());
                boolean added = false;
                for (JsonNode port : DockerDiscoverer.array(s.path("Endpoint").path("Ports"), "Ports")) {
                    if (!"tcp".equals(text(port, "Protocol"))) {
                        continue;
                    }
                    Map<String, String> labels = new LinkedHashMap<>();
                    labels.put(SERVICE + "endpoint_port_name", text(port, "Name"));
                    labels.put(SERVICE + "endpoint_port_publish_mode", text(port, "PublishMode"));
                    labels.putAll(common);
                    labels.putAll(net);
                    labels.put("__address__", join(ip, port.path("PublishedPort").asLong(0)));
                    targets.add(Labels.fromMap(labels));
                    added = true;
                }
                if (!added) {
                    Map<String, String> labels = new LinkedHashMap<>(common);
                    labels.putAll(net);
                    labels.put("__address__", join(ip, config.port()));
                    targets.add(Labels.fromMap(labels));
                }
            }
        }
        return targets;
    }

    private List<Labels> nodes() throws IOException, InterruptedException {
        List<Labels> targets = new ArrayList<>();
        for (JsonNode n : DockerDiscoverer.array(get("/nodes" + filters, "error while listing swarm nodes"), "nodes")) {
            Map<String, String> labels = nodeLabels(n);
            labels.put(NODE + "engine_version", text(n.path("Description").path("Engine"), "EngineVersion"));
            JsonNode manager = n.path("ManagerStatus");
            if (manager.isObject()) {
                labels.put(NODE + "manager_leader", Boolean.toString(manager.path("Leader").asBoolean(false)));
                labels.put(NODE + "manager_reachability", text(manager, "Reachability"));
                labels.put(NODE + "manager_address", text(manager, "Addr"));
            }
            labels.put("__address__", join(text(n.path("Status"), "Addr"), config.port()));
            targets.add(Labels.fromMap(labels));
        }
        return targets;
    }

    /** The labels of a node as both the nodes and the tasks role give them. */
    private static Map<String, String> nodeLabels(JsonNode n) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NODE + "id", text(n, "ID"));
        labels.put(NODE + "role", text(n.path("Spec"), "Role"));
        labels.put(NODE + "address", text(n.path("Status"), "Addr"));
        labels.put(NODE + "availability", text(n.path("Spec"), "Availability"));
        labels.put(NODE + "hostname", text(n.path("Description"), "Hostname"));
        labels.put(NODE + "platform_architecture", text(n.path("Description").path("Platform"), "Architecture"));
        labels.put(NODE + "platform_os", text(n.path("Description").path("Platform"), "OS"));
        labels.put(NODE + "status", text(n.path("Status"), "State"));
        DockerDiscoverer.forEach(n.path("Spec").path("Labels"), (k, v) -> labels.put(NODE + "label_" + DockerDiscoverer.sanitize(k), v));
        return labels;
    }

    private List<Labels> tasks() throws IOException, InterruptedException {
        JsonNode tasks = get("/tasks" + filters, "error while listing swarm services");
        Map<String, Map<String, String>> serviceLabels = new HashMap<>();
        Map<String, JsonNode> servicePorts = new HashMap<>();
        for (JsonNode s : DockerDiscoverer.array(get("/services", "error while computing services labels and ports"), "services")) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put(SERVICE + "id", text(s, "ID"));
            labels.put(SERVICE + "name", text(s.path("Spec"), "Name"));
            labels.put(SERVICE + "mode", mode(s));
            DockerDiscoverer.forEach(s.path("Spec").path("Labels"), (k, v) -> labels.put(SERVICE + "label_" + DockerDiscoverer.sanitize(k), v));
            serviceLabels.put(text(s, "ID"), labels);
            servicePorts.put(text(s, "ID"), s.path("Endpoint").path("Ports"));
        }
        Map<String, Map<String, String>> nodeLabels = new HashMap<>();
        for (JsonNode n : DockerDiscoverer.array(get("/nodes", "error while computing nodes labels and ports"), "nodes")) {
            nodeLabels.put(text(n, "ID"), nodeLabels(n));
        }
        Map<String, Map<String, String>> networkLabels = DockerDiscoverer.networkLabels(
                get("/networks", "error while computing swarm network labels"), PREFIX);
        List<Labels> targets = new ArrayList<>();
        for (JsonNode t : DockerDiscoverer.array(tasks, "tasks")) {
            Map<String, String> common = new LinkedHashMap<>();
            common.put(TASK + "id", text(t, "ID"));
            common.put(TASK + "desired_state", text(t, "DesiredState"));
            common.put(TASK + "state", text(t.path("Status"), "State"));
            common.put(TASK + "slot", Long.toString(t.path("Slot").asLong(0)));
            if (t.path("Status").path("ContainerStatus").isObject()) {
                common.put(TASK + "container_id", text(t.path("Status").path("ContainerStatus"), "ContainerID"));
            }
            DockerDiscoverer.forEach(t.path("Spec").path("ContainerSpec").path("Labels"),
                    (k, v) -> common.put(PREFIX + "container_label_" + DockerDiscoverer.sanitize(k), v));
            common.putAll(serviceLabels.getOrDefault(text(t, "ServiceID"), Map.of()));
            common.putAll(nodeLabels.getOrDefault(text(t, "NodeID"), Map.of()));
            for (JsonNode p : DockerDiscoverer.array(t.path("Status").path("PortStatus").path("Ports"), "Ports")) {
                if (!"tcp".equals(text(p, "Protocol"))) {
                    continue;
                }
                Map<String, String> labels = new LinkedHashMap<>();
                labels.put(TASK + "port_publish_mode", text(p, "PublishMode"));
                labels.putAll(common);
                labels.put("__address__", join(common.getOrDefault(NODE + "address", ""), p.path("PublishedPort").asLong(0)));
                targets.add(Labels.fromMap(labels));
            }
            for (JsonNode attachment : DockerDiscoverer.array(t.path("NetworksAttachments"), "NetworksAttachments")) {
                Map<String, String> net = networkLabels.getOrDefault(text(attachment.path("Network"), "ID"), Map.of());
                for (JsonNode address : DockerDiscoverer.array(attachment.path("Addresses"), "Addresses")) {
                    String ip = cidrAddress(address.asText(""));
                    boolean added = false;
                    JsonNode ports = servicePorts.get(text(t, "ServiceID"));
                    for (JsonNode p : DockerDiscoverer.array(ports, "Ports")) {
                        if (!"tcp".equals(text(p, "Protocol"))) {
                            continue;
                        }
                        Map<String, String> labels = new LinkedHashMap<>();
                        labels.put(TASK + "port_publish_mode", text(p, "PublishMode"));
                        labels.putAll(common);
                        labels.putAll(net);
                        labels.put("__address__", join(ip, p.path("PublishedPort").asLong(0)));
                        targets.add(Labels.fromMap(labels));
                        added = true;
                    }
                    if (!added) {
                        Map<String, String> labels = new LinkedHashMap<>(common);
                        labels.putAll(net);
                        labels.put("__address__", join(ip, config.port()));
                        targets.add(Labels.fromMap(labels));
                    }
                }
            }
        }
        return targets;
    }

    /** The address of {@code a.b.c.d/len} (Go's {@code net.ParseCIDR}); an address without a prefix is an error, as in Prometheus. */
    private static String cidrAddress(String cidr) throws IOException {
        int slash = cidr.indexOf('/');
        if (slash <= 0) {
            throw new IOException("error while parsing address " + cidr + ": invalid CIDR address: " + cidr);
        }
        String ip = cidr.substring(0, slash);
        try {
            if (!ip.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                throw new IllegalArgumentException(ip);
            }
            // A literal (checked above), so no name is looked up.
            java.net.InetAddress address = java.net.InetAddress.getByName(ip);
            return address instanceof java.net.Inet6Address ? GoAddresses.ipv6(address.getAddress()) : address.getHostAddress();
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            throw new IOException("error while parsing address " + cidr + ": invalid CIDR address: " + cidr, e);
        }
    }


    private static String join(String host, long port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText("");
    }

    @Override
    public void close() {
        refresher.close();
        api.close();
    }
}
