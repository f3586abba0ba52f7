package io.promethium.discovery.azure.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.discovery.azure.internal.CloudApi.list;
import static io.promethium.discovery.azure.internal.CloudApi.object;
import static io.promethium.api.discovery.JsonHttpFetch.sanitize;
import static io.promethium.discovery.azure.internal.CloudApi.text;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows one {@code azure_sd_configs} block as Prometheus's {@code discovery/azure} does, over
 * Azure Resource Manager's REST API with a bearer token from {@link AzureCredentials}: the
 * subscription's (or resource group's) virtual machines and scale sets, each scale set's VMs,
 * every list followed through {@code nextLink}; then each machine's network interfaces (with
 * their public addresses expanded), kept in a cache for 10 to 13 refresh intervals (at most 5000,
 * least recently used out) as Prometheus does. One group (no source), a target per machine whose
 * primary interface has a private IP. A failed refresh keeps the last targets.
 */
final class AzureDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_azure_";
    static final String COMPUTE_API = "2024-07-01";
    static final String NETWORK_API = "2024-05-01";
    /** The API version Azure's SDK uses for a scale-set VM's network interface. */
    static final String SCALE_SET_NIC_API = "2018-10-01";
    private static final int CACHE_SIZE = 5000;

    private record Machine(String id, String name, String computerName, String location, String osType, String scaleSet,
                           String instanceId, JsonNode tags, List<String> interfaces, String size) {
    }

    private record Cached(JsonNode nic, Instant expires) {
    }

    private final AzureSdConfig config;
    private final URI management;
    private final ConfiguredHttpClient http;
    private final ConfiguredHttpClient tokenHttp;
    private final JsonHttpFetch<JsonNode> api;
    private final AzureCredentials credentials;
    private final Clock clock;
    private final AzureSdMetrics metrics;
    private final String owner;
    private final Logger log;
    private final RefreshingDiscoverer refresher;
    // Touched only by the refresh thread; access order makes it an LRU.
    private final LinkedHashMap<String, Cached> nics = new LinkedHashMap<>(16, 0.75f, true);

    AzureDiscoverer(AzureSdConfig config, URI management, ConfiguredHttpClient http, ConfiguredHttpClient tokenHttp, long bodyLimit,
                    UnaryOperator<String> env, URI imds, Clock clock, AzureSdMetrics metrics, String owner, Logger log,
                    ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.management = Objects.requireNonNull(management, "management is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.tokenHttp = Objects.requireNonNull(tokenHttp, "tokenHttp is null");
        this.api = new JsonHttpFetch<>(http, config.refreshInterval(), bodyLimit, CloudApi.JSON::readTree);
        this.credentials = new AzureCredentials(config, new JsonHttpFetch<>(tokenHttp, config.refreshInterval(), bodyLimit, CloudApi.JSON::readTree), env, imds, clock);
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.log = Objects.requireNonNull(log, "log is null");
        this.refresher = new RefreshingDiscoverer("Azure SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Azure SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(AzureSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            String token;
            try {
                token = credentials.token();
            } catch (IOException e) {
                metrics.azureFailures.inc();
                throw new IOException("could not create Azure client: " + e.getMessage(), e);
            }
            String scope = "subscriptions/" + config.subscriptionId()
                    + (config.resourceGroup().isEmpty() ? "" : "/resourceGroups/" + config.resourceGroup());
            List<Machine> machines = new ArrayList<>();
            try {
                for (JsonNode vm : all(scope + "/providers/Microsoft.Compute/virtualMachines?api-version=" + COMPUTE_API, token)) {
                    machines.add(machine(vm, ""));
                }
            } catch (IOException e) {
                metrics.azureFailures.inc();
                throw new IOException("could not get virtual machines: could not list virtual machines: " + e.getMessage(), e);
            }
            List<JsonNode> scaleSets;
            try {
                scaleSets = all(scope + "/providers/Microsoft.Compute/virtualMachineScaleSets?api-version=" + COMPUTE_API, token);
            } catch (IOException e) {
                metrics.azureFailures.inc();
                throw new IOException("could not get virtual machine scale sets: could not list virtual machine scale sets: "
                        + e.getMessage(), e);
            }
            for (JsonNode scaleSet : scaleSets) {
                try {
                    String group = resourceGroup(text(scaleSet, "id"));
                    String name = text(scaleSet, "name");
                    for (JsonNode vm : all("subscriptions/" + config.subscriptionId() + "/resourceGroups/" + group
                            + "/providers/Microsoft.Compute/virtualMachineScaleSets/" + name + "/virtualMachines?api-version=" + COMPUTE_API,
                            token)) {
                        machines.add(machine(vm, name));
                    }
                } catch (IOException e) {
                    metrics.azureFailures.inc();
                    throw new IOException("could not get virtual machine scale set vms: " + e.getMessage(), e);
                }
            }
            List<Labels> targets = new ArrayList<>();
            for (Machine machine : machines) {
                try {
                    Labels labels = labels(machine, token);
                    if (labels != null) {
                        targets.add(labels);
                    }
                } catch (IOException e) {
                    metrics.azureFailures.inc();
                    throw new IOException("unable to complete Azure service discovery: " + e.getMessage(), e);
                }
            }
            return List.of(new TargetGroup("", targets, Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, AzureSdMetrics.MECHANISM, owner);
        }
    }

    /** Every item of a Resource Manager list: {@code value}, then {@code nextLink} while there is one. */
    private List<JsonNode> all(String path, String token) throws IOException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        URI next = management.resolve(path);
        while (next != null) {
            JsonNode page = api.get(next, "Authorization", "Bearer " + token);
            list(page, "value").forEach(items::add);
            String link = text(page, "nextLink");
            next = link.isEmpty() ? null : URI.create(link);
        }
        return items;
    }

    private static Machine machine(JsonNode vm, String scaleSet) {
        JsonNode properties = object(vm, "properties");
        List<String> interfaces = new ArrayList<>();
        for (JsonNode nic : listOrEmpty(object(object(properties, "networkProfile"), "networkInterfaces"))) {
            interfaces.add(text(nic, "id"));
        }
        return new Machine(text(vm, "id"), text(vm, "name"), text(object(properties, "osProfile"), "computerName"), text(vm, "location"),
                text(object(object(properties, "storageProfile"), "osDisk"), "osType"), scaleSet, text(vm, "instanceId"),
                object(vm, "tags"), interfaces, text(object(properties, "hardwareProfile"), "vmSize"));
    }

    private static Iterable<JsonNode> listOrEmpty(JsonNode node) {
        return node == null || !node.isArray() ? List.of() : node;
    }

    /** The resource group of a resource ID ({@code /subscriptions/<id>/resourceGroups/<group>/...}), as arm.ParseResourceID. */
    static String resourceGroup(String id) throws IOException {
        String[] parts = id.split("/");
        for (int i = 0; i + 1 < parts.length; i++) {
            if (parts[i].equalsIgnoreCase("resourceGroups")) {
                return parts[i + 1];
            }
        }
        if (!id.startsWith("/subscriptions/")) {
            throw new IOException("invalid ID '" + id + "': invalid resource ID: resource id '" + id + "' must start with '/'");
        }
        return "";
    }

    private Labels labels(Machine vm, String token) throws IOException, InterruptedException {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(PREFIX + "subscription_id", config.subscriptionId());
        labels.put(PREFIX + "tenant_id", config.tenantId());
        labels.put(PREFIX + "machine_id", vm.id());
        labels.put(PREFIX + "machine_name", vm.name());
        labels.put(PREFIX + "machine_computer_name", vm.computerName());
        labels.put(PREFIX + "machine_os_type", vm.osType());
        labels.put(PREFIX + "machine_location", vm.location());
        labels.put(PREFIX + "machine_resource_group", resourceGroup(vm.id()));
        labels.put(PREFIX + "machine_size", vm.size());
        if (!vm.scaleSet().isEmpty()) {
            labels.put(PREFIX + "machine_scale_set", vm.scaleSet());
        }
        if (vm.tags() != null && vm.tags().isObject()) {
            Iterator<Map.Entry<String, JsonNode>> tags = vm.tags().fields();
            while (tags.hasNext()) {
                Map.Entry<String, JsonNode> tag = tags.next();
                labels.put(PREFIX + "machine_tag_" + sanitize(tag.getKey()), tag.getValue().isNull() ? "" : tag.getValue().asText());
            }
        }
        for (String nicId : vm.interfaces()) {
            JsonNode nic = nic(vm, nicId, token);
            if (nic == null) {
                log.warning("Azure SD: network interface " + nicId + " of " + vm.name() + " does not exist");
                return null;
            }
            JsonNode properties = object(nic, "properties");
            if (properties == null) {
                continue;
            }
            JsonNode primary = object(properties, "primary");
            if (primary == null) {
                // A deallocated machine's interface has no primary flag: Prometheus skips the machine.
                log.log(Level.FINE, "Azure SD: skipping deallocated virtual machine " + vm.name());
                return null;
            }
            if (primary.asBoolean()) {
                for (JsonNode ip : listOrEmpty(object(properties, "ipConfigurations"))) {
                    JsonNode ipProperties = object(ip, "properties");
                    JsonNode publicAddress = object(object(object(ipProperties, "publicIPAddress"), "properties"), "ipAddress");
                    if (publicAddress != null) {
                        labels.put(PREFIX + "machine_public_ip", publicAddress.asText());
                    }
                    JsonNode privateIp = object(ipProperties, "privateIPAddress");
                    if (privateIp != null) {
                        labels.put(PREFIX + "machine_private_ip", privateIp.asText());
                        labels.put("__address__", joinHostPort(privateIp.asText(), config.port()));
                        return Labels.fromMap(labels);
                    }
                    throw new IOException("unable to find a private IP for VM " + vm.name());
                }
            }
        }
        return null;
    }

    /** A network interface from the cache or Resource Manager; null when it does not exist (404). */
    private JsonNode nic(Machine vm, String nicId, String token) throws IOException, InterruptedException {
        Instant now = clock.instant();
        Cached cached = nics.get(nicId);
        if (cached != null && now.isBefore(cached.expires())) {
            metrics.cacheHits.inc();
            return cached.nic();
        }
        String path;
        if (vm.scaleSet().isEmpty()) {
            path = nicId.substring(nicId.startsWith("/") ? 1 : 0) + "?api-version=" + NETWORK_API;
        } else {
            String name = nicId.substring(nicId.lastIndexOf('/') + 1);
            path = "subscriptions/" + config.subscriptionId() + "/resourceGroups/" + resourceGroup(nicId)
                    + "/providers/Microsoft.Compute/virtualMachineScaleSets/" + vm.scaleSet() + "/virtualMachines/" + vm.instanceId()
                    + "/networkInterfaces/" + name + "?api-version=" + SCALE_SET_NIC_API;
        }
        JsonNode nic;
        try {
            nic = api.get(management.resolve(path + "&$expand=IPConfigurations%2FPublicIPAddress"), "Authorization", "Bearer " + token);
        } catch (JsonHttpFetch.StatusException e) {
            if (e.status() == 404) {
                return null;
            }
            throw new IOException("failed to retrieve Interface " + nicId + " with error: " + e.getMessage(), e);
        }
        long interval = config.refreshInterval().toSeconds();
        // As Prometheus: kept for ten intervals plus up to three more at random, so the cache does not expire all at once.
        Duration keep = config.refreshInterval().multipliedBy(10)
                .plusSeconds(interval * 3 > 0 ? ThreadLocalRandom.current().nextLong(interval * 3) : 0);
        nics.put(nicId, new Cached(nic, now.plus(keep)));
        if (nics.size() > CACHE_SIZE) {
            Iterator<String> eldest = nics.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return nic;
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
        tokenHttp.close();
    }
}
