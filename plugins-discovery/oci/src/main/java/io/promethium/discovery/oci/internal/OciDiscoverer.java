package io.promethium.discovery.oci.internal;

import static io.promethium.api.discovery.JsonHttpFetch.joinHostPort;
import static io.promethium.api.discovery.JsonHttpFetch.sanitize;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.JsonHttpFetch;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Follows one {@code oci_sd_configs} block as Prometheus's {@code discovery/oci} does, over OCI's
 * Identity and Core REST APIs (version {@code 20160918}) of the region's realm ({@link OciRegions}),
 * each request signed as OCI documents its HTTP signatures ({@code rsa-sha256} over {@code x-date},
 * {@code (request-target)} and {@code host}; the JDK's {@link Signature}) with the API key or an
 * instance principal's session key ({@link OciAuth}): the configured
 * compartments, else the tenancy and every active compartment below it ({@code ListCompartments},
 * a child list that fails is skipped with a warning), their instances ({@code ListInstances}),
 * and each instance's primary VNIC ({@code ListVnicAttachments}, {@code GetVnic}); every list read
 * through {@code opc-next-page}. One group {@code OCI}, a target per instance with an address
 * (private IP, else public, else its first IPv6) on {@code port}, with {@code __meta_oci_*}. An
 * instance whose VNICs cannot be read is skipped with a warning. A failed refresh keeps the last
 * targets.
 */
final class OciDiscoverer implements Discoverer {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String P = "__meta_oci_";
    static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    /** A page of a list: its JSON and the next page's token, or null. */
    private record Page(JsonNode body, String next) {
    }

    private final OciSdConfig config;
    private final ConfiguredHttpClient http;
    private final OciRegions regions;
    private final OciAuth auth;
    private final Function<OciRegions.Region, URI[]> roots;
    private final long bodyLimit;
    private final Clock clock;
    private final OciSdMetrics metrics;
    private final String owner;
    private final Logger log;
    private final RefreshingDiscoverer refresher;
    private volatile Instant notBefore = Instant.MIN;
    // Touched only by the refresh thread: the API roots (once the region is known) and the tenancy.
    private URI identity;
    private URI iaas;
    private String tenancy;

    /** @param roots a region's identity, iaas and auth API roots */
    OciDiscoverer(OciSdConfig config, ConfiguredHttpClient http, OciRegions regions, OciAuth auth, Function<OciRegions.Region, URI[]> roots, long bodyLimit, Clock clock,
                  OciSdMetrics metrics, String owner, Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.regions = Objects.requireNonNull(regions, "regions is null");
        this.auth = Objects.requireNonNull(auth, "auth is null");
        this.roots = Objects.requireNonNull(roots, "roots is null");
        this.bodyLimit = bodyLimit;
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.log = Objects.requireNonNull(log, "log is null");
        this.refresher = new RefreshingDiscoverer("OCI SD", config.refreshInterval(), threads,
                new DiscoveryFailures("OCI SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(OciSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            if (identity == null) {
                // OCI's SDK refuses to build a client whose service the developer-tool configuration file leaves out.
                regions.requireServices(config.compartments().isEmpty());
                OciRegions.Region region = auth.region();
                if (region.warning() != null) {
                    log.warning("OCI SD: " + region.warning());
                }
                URI[] uris = roots.apply(region);
                identity = uris[0];
                iaas = uris[1];
            }
            tenancy = auth.tenancy();
            // An instance principal's token due for renewal is renewed here, so that a failure fails the refresh (rather than
            // one compartment's listing, which the walk skips).
            auth.credentials();
            List<String> compartments;
            try {
                compartments = compartments();
            } catch (IOException e) {
                throw new IOException("oci_sd: failed to list compartments: " + e.getMessage(), e);
            }
            List<Labels> targets = new ArrayList<>();
            for (String compartment : compartments) {
                List<JsonNode> instances = new ArrayList<>();
                try {
                    all(iaas, "/20160918/instances", Map.of("compartmentId", compartment)).forEach(instances::add);
                } catch (IOException e) {
                    throw new IOException("listing OCI instances in compartment " + compartment + ": " + e.getMessage(), e);
                }
                for (JsonNode instance : instances) {
                    String id = text(instance, "id");
                    String compartmentId = text(instance, "compartmentId");
                    if (instance.path("id").isMissingNode() || instance.get("id").isNull() || instance.path("compartmentId").isMissingNode()
                            || instance.get("compartmentId").isNull()) {
                        log.warning("OCI SD: skipping instance with missing OCID fields: compartment_id=" + compartment);
                        continue;
                    }
                    JsonNode vnic;
                    try {
                        vnic = primaryVnic(compartmentId, id);
                    } catch (IOException e) {
                        log.warning("OCI SD: failed to resolve VNIC IPs, skipping instance: instance_id=" + id + ": " + e.getMessage());
                        continue;
                    }
                    List<String> ipv6 = new ArrayList<>();
                    if (vnic != null) {
                        vnic.path("ipv6Addresses").forEach(a -> ipv6.add(a.asText()));
                    }
                    ipv6.sort(null);
                    String privateIp = vnic == null ? "" : text(vnic, "privateIp");
                    String publicIp = vnic == null ? "" : text(vnic, "publicIp");
                    if (privateIp.isEmpty() && publicIp.isEmpty() && ipv6.isEmpty()) {
                        log.log(Level.FINE, "OCI SD: skipping instance with no usable IP address: " + id);
                        continue;
                    }
                    targets.add(labels(instance, vnic, privateIp, publicIp, ipv6));
                }
            }
            return List.of(new TargetGroup("OCI", targets, Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, OciSdMetrics.MECHANISM, owner);
        }
    }

    /** The configured compartments, else the tenancy and its active compartments, breadth first. */
    private List<String> compartments() throws IOException, InterruptedException {
        if (!config.compartments().isEmpty()) {
            return config.compartments();
        }
        List<String> all = new ArrayList<>();
        Set<String> visited = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>(List.of(tenancy));
        while (!queue.isEmpty()) {
            String current = queue.poll();
            if (!visited.add(current)) {
                continue;
            }
            all.add(current);
            List<JsonNode> children;
            try {
                children = all(identity, "/20160918/compartments", Map.of("compartmentId", current, "accessLevel", "ACCESSIBLE",
                        "compartmentIdInSubtree", "false"));
            } catch (IOException e) {
                log.warning("OCI SD: failed to list child compartments, skipping subtree: compartment_id=" + current + ": " + e.getMessage());
                continue;
            }
            for (JsonNode child : children) {
                String id = text(child, "id");
                if (!id.isEmpty() && "ACTIVE".equals(text(child, "lifecycleState")) && !visited.contains(id)) {
                    queue.add(id);
                }
            }
        }
        return all;
    }

    /** The primary VNIC among the instance's attached ones (the first found ends the walk), or null. */
    private JsonNode primaryVnic(String compartment, String instance) throws IOException, InterruptedException {
        List<JsonNode> attachments;
        try {
            attachments = all(iaas, "/20160918/vnicAttachments", Map.of("compartmentId", compartment, "instanceId", instance));
        } catch (IOException e) {
            throw new IOException("listing VNIC attachments for instance " + instance + ": " + e.getMessage(), e);
        }
        for (JsonNode attachment : attachments) {
            String vnicId = text(attachment, "vnicId");
            if (vnicId.isEmpty() || !"ATTACHED".equals(text(attachment, "lifecycleState"))) {
                continue;
            }
            JsonNode vnic;
            try {
                vnic = get(iaas, "/20160918/vnics/" + URLEncoder.encode(vnicId, StandardCharsets.UTF_8), Map.of()).body();
            } catch (IOException e) {
                throw new IOException("fetching VNIC " + vnicId + ": " + e.getMessage(), e);
            }
            if (vnic.path("isPrimary").asBoolean(false)) {
                return vnic;
            }
        }
        return null;
    }

    private List<JsonNode> all(URI root, String path, Map<String, String> query) throws IOException, InterruptedException {
        List<JsonNode> items = new ArrayList<>();
        String page = null;
        do {
            Map<String, String> params = new LinkedHashMap<>(query);
            params.put("limit", "100");
            if (page != null) {
                params.put("page", page);
            }
            Page answer = get(root, path, params);
            if (!answer.body().isArray()) {
                throw new IOException("GET \"" + root + path + "\": the answer is no JSON list");
            }
            answer.body().forEach(items::add);
            page = answer.next();
        } while (page != null);
        return items;
    }

    private Page get(URI root, String path, Map<String, String> params) throws IOException, InterruptedException {
        StringBuilder query = new StringBuilder();
        params.forEach((k, v) -> query.append(query.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        String base = root.toString().endsWith("/") ? root.toString().substring(0, root.toString().length() - 1) : root.toString();
        URI uri = URI.create(base + path + (query.isEmpty() ? "" : "?" + query));
        if (clock.instant().isBefore(notBefore)) {
            throw new IOException("GET \"" + uri + "\": throttled by the API (429): no request before " + notBefore);
        }
        String date = HTTP_DATE.format(clock.instant());
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        OciAuth.Credentials credentials = auth.credentials();
        String authorization = authorization(credentials.keyId(), credentials.key(), "x-date (request-target) host",
                "x-date: " + date + "\n(request-target): get " + target + "\nhost: " + host(uri));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.refreshInterval()).header("User-Agent", JsonHttpFetch.USER_AGENT)
                .header("Accept", "application/json").header("x-date", date)
                .header("Authorization", authorization).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException("GET \"" + uri + "\": no answer within " + config.refreshInterval().toMillis() + " ms", e);
        }
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1));
        }
        if (bytes.length > bodyLimit) {
            throw new IOException("GET \"" + uri + "\": the answer is larger than " + bodyLimit + " bytes");
        }
        if (response.statusCode() == 429) {
            Duration wait = JsonHttpFetch.retryAfter(response.headers().firstValue("Retry-After").orElse(null), clock.instant());
            if (wait != null) {
                notBefore = clock.instant().plus(wait);
            }
            throw new IOException("GET \"" + uri + "\": 429 Too Many Requests" + (wait == null ? "" : "; retry after " + wait.toMillis() + " ms"));
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (response.statusCode() / 100 != 2) {
            // {"code": "NotAuthenticated", "message": "..."}
            throw new IOException("GET \"" + uri + "\": " + response.statusCode() + " " + (text.length() > 512 ? text.substring(0, 512) : text));
        }
        JsonNode body;
        try {
            body = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IOException("GET \"" + uri + "\": the answer is not JSON: " + e.getMessage(), e);
        }
        if (body == null || body.isMissingNode()) {
            throw new IOException("GET \"" + uri + "\": the answer is not JSON: it is empty");
        }
        String next = response.headers().firstValue("opc-next-page").orElse(null);
        return new Page(body, next == null || next.isEmpty() ? null : next);
    }

    /** An {@code Authorization} header with OCI's HTTP signature ({@code rsa-sha256}) of the signing string. */
    static String authorization(String keyId, PrivateKey key, String headers, String signingString) throws IOException {
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(signingString.getBytes(StandardCharsets.UTF_8));
            return "Signature version=\"1\",keyId=\"" + keyId + "\",algorithm=\"rsa-sha256\",headers=\"" + headers + "\",signature=\""
                    + Base64.getEncoder().encodeToString(signature.sign()) + "\"";
        } catch (GeneralSecurityException e) {
            throw new IOException("signing the request: " + e.getMessage(), e);
        }
    }

    /** The Host header as the HTTP client sends it (the port only when not the scheme's default). */
    static String host(URI uri) {
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("https".equals(uri.getScheme()) && port == 443) || ("http".equals(uri.getScheme()) && port == 80);
        return uri.getHost() + (defaultPort ? "" : ":" + port);
    }

    private Labels labels(JsonNode instance, JsonNode vnic, String privateIp, String publicIp, List<String> ipv6) {
        String address = !privateIp.isEmpty() ? privateIp : !publicIp.isEmpty() ? publicIp : ipv6.get(0);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("__address__", joinHostPort(address, config.port()));
        labels.put(P + "instance_id", text(instance, "id"));
        labels.put(P + "instance_name", text(instance, "displayName"));
        labels.put(P + "instance_state", text(instance, "lifecycleState"));
        labels.put(P + "instance_shape", text(instance, "shape"));
        labels.put(P + "availability_domain", text(instance, "availabilityDomain"));
        labels.put(P + "fault_domain", text(instance, "faultDomain"));
        labels.put(P + "region", text(instance, "region"));
        labels.put(P + "tenancy_id", tenancy);
        labels.put(P + "compartment_id", text(instance, "compartmentId"));
        labels.put(P + "image_id", text(instance, "imageId"));
        labels.put(P + "vnic_id", vnic == null ? "" : text(vnic, "id"));
        labels.put(P + "private_ip", privateIp);
        labels.put(P + "public_ip", publicIp);
        labels.put(P + "hostname_label", vnic == null ? "" : text(vnic, "hostnameLabel"));
        labels.put(P + "ipv6_addresses", ipv6.isEmpty() ? "" : "," + String.join(",", ipv6) + ",");
        JsonNode freeform = instance.get("freeformTags");
        if (freeform != null && freeform.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = freeform.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> tag = it.next();
                labels.put(P + "tag_" + sanitize(tag.getKey()), tag.getValue().asText());
            }
        }
        JsonNode defined = instance.get("definedTags");
        if (defined != null && defined.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> ns = defined.fields(); ns.hasNext(); ) {
                Map.Entry<String, JsonNode> namespace = ns.next();
                for (Iterator<Map.Entry<String, JsonNode>> it = namespace.getValue().fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> tag = it.next();
                    String value = definedTag(tag.getValue());
                    if (value != null) {
                        labels.put(P + "defined_tag_" + sanitize(namespace.getKey()) + "_" + sanitize(tag.getKey()), value);
                    }
                }
            }
        }
        return Labels.fromMap(labels);
    }

    /** A defined tag's scalar as Prometheus writes it (numbers as Go's shortest {@code 'f'} form); null for other values. */
    static String definedTag(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isBoolean()) {
            return Boolean.toString(value.asBoolean());
        }
        if (value.isNumber()) {
            return BigDecimal.valueOf(value.asDouble()).stripTrailingZeros().toPlainString();
        }
        return null;
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? "" : value.asText();
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
