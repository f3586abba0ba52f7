package io.promethium.discovery.openstack.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Follows one {@code openstack_sd_configs} block as Prometheus's {@code discovery/openstack}
 * does. Every {@code refresh_interval}: a Keystone v3 token ({@code POST <identity>/v3/auth/tokens},
 * password or application credential; the token comes back in {@code X-Subject-Token} with the
 * service catalog), then the catalog's endpoint of the configured region and availability for
 * the role: {@code hypervisor} lists Nova's {@code os-hypervisors/detail}; {@code instance}
 * lists Neutron's ports and floating IPs and Nova's {@code servers/detail} (all pages, by the
 * {@code <list>_links} "next" link), a target per fixed address with its floating IP as
 * {@code __meta_openstack_public_ip}; {@code loadbalancer} lists Octavia's load balancers and
 * listeners, a target per load balancer with a PROMETHEUS listener. One group {@code OS_<region>}. A failed refresh keeps the
 * last targets, is counted and logged once per change ({@link DiscoveryFailures}); every request
 * times out after the refresh interval.
 */
final class OpenstackDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_openstack_";
    static final String USER_AGENT = "Promethium/0.1";
    /** Pages followed at most per list: a server whose "next" links loop must not hold a refresh forever. */
    static final int MAX_PAGES = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenstackSdConfig config;
    private final ConfiguredHttpClient http;
    private final long bodyLimit;
    private final OpenstackSdMetrics metrics;
    private final String owner;
    private final Logger log;
    private final RefreshingDiscoverer refresher;

    OpenstackDiscoverer(OpenstackSdConfig config, ConfiguredHttpClient http, long bodyLimit, OpenstackSdMetrics metrics,
                        String owner, Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.bodyLimit = bodyLimit;
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.log = Objects.requireNonNull(log, "log is null");
        this.refresher = new RefreshingDiscoverer("OpenStack SD", config.refreshInterval(), threads,
                new DiscoveryFailures("OpenStack SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(OpenstackSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            Token token;
            try {
                token = authenticate();
            } catch (IOException e) {
                throw new IOException("could not authenticate to OpenStack: " + e.getMessage(), e);
            }
            List<Labels> targets = switch (config.role()) {
                case "hypervisor" -> hypervisors(token, endpoint(token, "compute", "compute"));
                case "instance" -> instances(token, endpoint(token, "compute", "compute"));
                default -> loadbalancers(token, endpoint(token, "load-balancer", "load balancer") + "v2.0/lbaas/");
            };
            return List.of(new TargetGroup("OS_" + config.region(), targets, Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, OpenstackSdMetrics.MECHANISM, owner);
        }
    }

    private String endpoint(Token token, String type, String session) throws IOException {
        try {
            return token.endpoint(type, config.region(), config.availability());
        } catch (IOException e) {
            throw new IOException("could not create OpenStack " + session + " session: " + e.getMessage(), e);
        }
    }

    /** A Keystone token and its service catalog. */
    record Token(String id, JsonNode catalog) {

        /** Gophercloud's {@code V3EndpointURL}: the service of this type, the endpoint of this interface and region (or region_id), with a trailing slash. */
        String endpoint(String type, String region, String availability) throws IOException {
            for (JsonNode service : catalog) {
                if (!type.equals(service.path("type").asText())) {
                    continue;
                }
                for (JsonNode endpoint : service.path("endpoints")) {
                    if (availability.equals(endpoint.path("interface").asText())
                            && (region.equals(endpoint.path("region").asText()) || region.equals(endpoint.path("region_id").asText()))) {
                        String url = endpoint.path("url").asText();
                        return url.endsWith("/") ? url : url + "/";
                    }
                }
            }
            throw new IOException("No suitable endpoint could be found in the service catalog.");
        }
    }

    Token authenticate() throws IOException, InterruptedException {
        String base = config.identityEndpoint().replaceAll("/+$", "");
        String url = (base.endsWith("/v3") ? base : base + "/v3") + "/auth/tokens";
        HttpResponse<byte[]> response = send("POST", url, null, JSON.writeValueAsString(authBody()));
        if (response.statusCode() != 201 && response.statusCode() != 200) {
            throw unexpected("POST", url, "[201]", response);
        }
        String token = response.headers().firstValue("X-Subject-Token").orElse("");
        if (token.isEmpty()) {
            throw new IOException("POST " + url + ": the answer has no X-Subject-Token");
        }
        JsonNode catalog = parse(url, response.body()).path("token").path("catalog");
        if (!catalog.isArray()) {
            throw new IOException("POST " + url + ": the token has no service catalog");
        }
        return new Token(token, catalog);
    }

    /** The Keystone v3 request as gophercloud builds it from Prometheus's options. */
    ObjectNode authBody() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode auth = root.putObject("auth");
        ObjectNode identity = auth.putObject("identity");
        boolean appCredential = !config.applicationCredentialId().isEmpty() || !config.applicationCredentialName().isEmpty();
        if (appCredential) {
            identity.putArray("methods").add("application_credential");
            ObjectNode credential = identity.putObject("application_credential");
            if (!config.applicationCredentialId().isEmpty()) {
                credential.put("id", config.applicationCredentialId());
            } else {
                credential.put("name", config.applicationCredentialName());
                user(credential.putObject("user"));
            }
            credential.put("secret", config.applicationCredentialSecret());
            // An application credential carries its own scope; Keystone refuses another.
            return root;
        }
        identity.putArray("methods").add("password");
        ObjectNode user = identity.putObject("password").putObject("user");
        user(user);
        user.put("password", config.password());
        if (!config.projectId().isEmpty()) {
            auth.putObject("scope").putObject("project").put("id", config.projectId());
        } else if (!config.projectName().isEmpty()) {
            ObjectNode project = auth.putObject("scope").putObject("project");
            project.put("name", config.projectName());
            domain(project.putObject("domain"));
        }
        return root;
    }

    private void user(ObjectNode user) {
        if (!config.userId().isEmpty()) {
            user.put("id", config.userId());
        } else {
            user.put("name", config.username());
            domain(user.putObject("domain"));
        }
    }

    private void domain(ObjectNode domain) {
        if (!config.domainId().isEmpty()) {
            domain.put("id", config.domainId());
        } else {
            domain.put("name", config.domainName());
        }
    }

    List<Labels> hypervisors(Token token, String compute) throws IOException, InterruptedException {
        List<Labels> targets = new ArrayList<>();
        for (JsonNode hypervisor : list(token, compute + "os-hypervisors/detail", "hypervisors")) {
            Map<String, String> labels = new HashMap<>();
            String hostIp = text(hypervisor, "host_ip");
            labels.put("__address__", joinHostPort(hostIp, config.port()));
            labels.put(PREFIX + "hypervisor_id", id(hypervisor.path("id")));
            labels.put(PREFIX + "hypervisor_hostname", text(hypervisor, "hypervisor_hostname"));
            labels.put(PREFIX + "hypervisor_host_ip", hostIp);
            labels.put(PREFIX + "hypervisor_status", text(hypervisor, "status"));
            labels.put(PREFIX + "hypervisor_state", text(hypervisor, "state"));
            labels.put(PREFIX + "hypervisor_type", text(hypervisor, "hypervisor_type"));
            targets.add(Labels.fromMap(labels));
        }
        return targets;
    }

    List<Labels> instances(Token token, String compute) throws IOException, InterruptedException {
        String network;
        try {
            network = token.endpoint("network", config.region(), config.availability()) + "v2.0/";
        } catch (IOException e) {
            throw new IOException("could not create OpenStack network session: " + e.getMessage(), e);
        }
        Map<String, String> deviceOfPort = new HashMap<>();
        try {
            for (JsonNode port : list(token, network + "ports", "ports")) {
                deviceOfPort.put(text(port, "id"), text(port, "device_id"));
            }
        } catch (IOException e) {
            throw new IOException("failed to list all ports: " + e.getMessage(), e);
        }
        // (device id, fixed address) -> floating address, and every associated floating address.
        Map<List<String>, String> floating = new HashMap<>();
        Set<String> floatingPresent = new HashSet<>();
        for (JsonNode ip : list(token, network + "floatingips", "floatingips")) {
            String portId = text(ip, "port_id");
            String fixed = text(ip, "fixed_ip_address");
            if (portId.isEmpty() || fixed.isEmpty()) {
                continue; // not associated
            }
            String device = deviceOfPort.get(portId);
            if (device == null) {
                log.fine(() -> "OpenStack SD: floating IP's port " + portId + " not found in the port list");
                continue;
            }
            floating.put(List.of(device, fixed), text(ip, "floating_ip_address"));
            floatingPresent.add(text(ip, "floating_ip_address"));
        }
        String servers = compute + "servers/detail" + (config.allTenants() ? "?all_tenants=true" : "");
        List<Labels> targets = new ArrayList<>();
        for (JsonNode server : list(token, servers, "servers")) {
            String id = text(server, "id");
            JsonNode addresses = server.path("addresses");
            if (!addresses.isObject() || addresses.isEmpty()) {
                log.fine(() -> "OpenStack SD: got no IP address for instance " + id);
                continue;
            }
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put(PREFIX + "instance_id", id);
            labels.put(PREFIX + "instance_status", text(server, "status"));
            labels.put(PREFIX + "instance_name", text(server, "name"));
            labels.put(PREFIX + "project_id", text(server, "tenant_id"));
            labels.put(PREFIX + "user_id", text(server, "user_id"));
            JsonNode flavor = server.path("flavor");
            // "original_name" comes with microversion 2.47 and later, in place of "id".
            if (flavor.path("original_name").isTextual()) {
                labels.put(PREFIX + "instance_flavor", flavor.path("original_name").asText());
            } else if (flavor.path("id").isTextual()) {
                labels.put(PREFIX + "instance_flavor", flavor.path("id").asText());
            } else {
                log.warning(() -> "OpenStack SD: instance " + id + ": invalid type for both flavor original_name and flavor id, expected string");
                continue;
            }
            if (server.path("image").path("id").isTextual()) {
                labels.put(PREFIX + "instance_image", server.path("image").path("id").asText());
            }
            Iterator<Map.Entry<String, JsonNode>> metadata = server.path("metadata").fields();
            while (metadata.hasNext()) {
                Map.Entry<String, JsonNode> entry = metadata.next();
                labels.put(PREFIX + "tag_" + sanitize(entry.getKey()), entry.getValue().isNull() ? "" : entry.getValue().asText());
            }
            Iterator<Map.Entry<String, JsonNode>> pools = addresses.fields();
            while (pools.hasNext()) {
                Map.Entry<String, JsonNode> pool = pools.next();
                if (!pool.getValue().isArray()) {
                    log.fine("OpenStack SD: invalid type for address, expected array");
                    continue;
                }
                for (JsonNode address : pool.getValue()) {
                    if (!address.path("addr").isTextual()) {
                        continue;
                    }
                    String addr = address.path("addr").asText();
                    if (floatingPresent.contains(addr)) {
                        continue; // a floating address is the public_ip of its fixed one
                    }
                    Map<String, String> target = new LinkedHashMap<>(labels);
                    target.put(PREFIX + "address_pool", pool.getKey());
                    target.put(PREFIX + "private_ip", addr);
                    String publicIp = floating.get(List.of(id, addr));
                    if (publicIp != null) {
                        target.put(PREFIX + "public_ip", publicIp);
                    }
                    target.put("__address__", joinHostPort(addr, config.port()));
                    targets.add(Labels.fromMap(target));
                }
            }
        }
        return targets;
    }

    /**
     * Octavia's load balancers with a {@code PROMETHEUS} listener, as Prometheus: a target per such
     * load balancer on its VIP and the first PROMETHEUS listener's port, with the floating IP of
     * its VIP port.
     */
    List<Labels> loadbalancers(Token token, String lbaas) throws IOException, InterruptedException {
        String network = endpoint(token, "network", "network") + "v2.0/";
        List<JsonNode> balancers;
        try {
            balancers = list(token, lbaas + "loadbalancers", "loadbalancers");
        } catch (IOException e) {
            throw new IOException("failed to list load balancers: " + e.getMessage(), e);
        }
        Map<String, List<JsonNode>> listenersOf = new HashMap<>();
        try {
            for (JsonNode listener : list(token, lbaas + "listeners", "listeners")) {
                for (JsonNode lb : listener.path("loadbalancers")) {
                    listenersOf.computeIfAbsent(text(lb, "id"), k -> new ArrayList<>()).add(listener);
                }
            }
        } catch (IOException e) {
            throw new IOException("failed to list all listeners: " + e.getMessage(), e);
        }
        Map<String, String> floatingOfPort = new HashMap<>();
        try {
            for (JsonNode ip : list(token, network + "floatingips", "floatingips")) {
                if (!text(ip, "port_id").isEmpty()) {
                    floatingOfPort.put(text(ip, "port_id"), text(ip, "floating_ip_address"));
                }
            }
        } catch (IOException e) {
            throw new IOException("failed to list floating IPs: " + e.getMessage(), e);
        }
        List<Labels> targets = new ArrayList<>();
        for (JsonNode lb : balancers) {
            String id = text(lb, "id");
            JsonNode prometheus = null;
            for (JsonNode listener : listenersOf.getOrDefault(id, List.of())) {
                if ("PROMETHEUS".equals(text(listener, "protocol"))) {
                    prometheus = listener;
                    break;
                }
            }
            if (prometheus == null) {
                continue; // no listener, or none speaking PROMETHEUS
            }
            Map<String, String> labels = new HashMap<>();
            String vip = text(lb, "vip_address");
            labels.put("__address__", joinHostPort(vip, prometheus.path("protocol_port").asLong()));
            labels.put(PREFIX + "loadbalancer_id", id);
            labels.put(PREFIX + "loadbalancer_name", text(lb, "name"));
            labels.put(PREFIX + "loadbalancer_operating_status", text(lb, "operating_status"));
            labels.put(PREFIX + "loadbalancer_provisioning_status", text(lb, "provisioning_status"));
            labels.put(PREFIX + "loadbalancer_availability_zone", text(lb, "availability_zone"));
            labels.put(PREFIX + "loadbalancer_vip", vip);
            labels.put(PREFIX + "loadbalancer_provider", text(lb, "provider"));
            labels.put(PREFIX + "project_id", text(lb, "project_id"));
            List<String> tags = new ArrayList<>();
            lb.path("tags").forEach(tag -> tags.add(tag.asText()));
            if (!tags.isEmpty()) {
                labels.put(PREFIX + "loadbalancer_tags", String.join(",", tags));
            }
            String floatingIp = floatingOfPort.get(text(lb, "vip_port_id"));
            if (floatingIp != null) {
                labels.put(PREFIX + "loadbalancer_floating_ip", floatingIp);
            }
            targets.add(Labels.fromMap(labels));
        }
        return targets;
    }

    /** Every item of a paginated OpenStack list: the {@code key} array of each page, following {@code <key>_links} rel "next". */
    List<JsonNode> list(Token token, String url, String key) throws IOException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String next = url;
        while (next != null) {
            if (!seen.add(next) || seen.size() > MAX_PAGES) {
                throw new IOException("GET " + url + ": the pages' next links loop or exceed " + MAX_PAGES + " pages");
            }
            HttpResponse<byte[]> response = send("GET", next, token.id(), null);
            if (response.statusCode() != 200) {
                throw unexpected("GET", next, "[200]", response);
            }
            JsonNode page = parse(next, response.body());
            JsonNode array = page.path(key);
            if (!array.isArray() && !array.isNull() && !array.isMissingNode()) {
                throw new IOException("GET " + next + ": \"" + key + "\" is not a list");
            }
            array.forEach(items::add);
            String current = next;
            next = null;
            for (JsonNode link : page.path(key + "_links")) {
                if ("next".equals(link.path("rel").asText()) && link.path("href").isTextual()) {
                    try {
                        next = URI.create(current).resolve(link.path("href").asText()).toString();
                    } catch (IllegalArgumentException e) {
                        throw new IOException("GET " + current + ": bad next link: " + e.getMessage(), e);
                    }
                }
            }
        }
        return items;
    }

    private HttpResponse<byte[]> send(String method, String url, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(config.refreshInterval())
                .header("User-Agent", USER_AGENT).header("Accept", "application/json");
        if (token != null) {
            request.header("X-Auth-Token", token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException(method + " " + url + ": no answer within " + config.refreshInterval().toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IOException(method + " " + url + ": " + e.getMessage(), e);
        }
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1));
            if (bytes.length > bodyLimit) {
                throw new IOException(method + " " + url + ": the answer is larger than " + bodyLimit + " bytes");
            }
            return new HttpResponse<>() {
                @Override public int statusCode() { return response.statusCode(); }
                @Override public HttpRequest request() { return response.request(); }
                @Override public java.util.Optional<HttpResponse<byte[]>> previousResponse() { return java.util.Optional.empty(); }
                @Override public java.net.http.HttpHeaders headers() { return response.headers(); }
                @Override public byte[] body() { return bytes; }
                @Override public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return response.sslSession(); }
                @Override public URI uri() { return response.uri(); }
                @Override public java.net.http.HttpClient.Version version() { return response.version(); }
            };
        }
    }

    /** Gophercloud's wording for an unexpected status, with the start of the answer. */
    private static IOException unexpected(String method, String url, String expected, HttpResponse<byte[]> response) {
        // One line, at most 200 characters of the answer: enough for Keystone's or Nova's error message.
        String body = new String(response.body(), 0, Math.min(response.body().length, 200), java.nio.charset.StandardCharsets.UTF_8)
                .strip().replaceAll("\\s+", " ");
        return new IOException("Expected HTTP response code " + expected + " when accessing [" + method + " " + url + "], but got "
                + response.statusCode() + " instead: " + body);
    }

    private static JsonNode parse(String url, byte[] body) throws IOException {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new IOException("expected a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new IOException(url + ": the answer is not a JSON object: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : "";
    }

    /** Nova's hypervisor id is a number before microversion 2.53 and a UUID from then on; gophercloud takes both. */
    private static String id(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? node.asText() : "";
    }

    /** Go's {@code net.JoinHostPort}: an IPv6 address in brackets. */
    static String joinHostPort(String host, long port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
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
