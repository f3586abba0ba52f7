package io.promethium.discovery.ovhcloud.internal;

import io.promethium.goformat.GoAddresses;
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
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Follows one {@code ovhcloud_sd_configs} block as Prometheus's {@code discovery/ovhcloud} does,
 * through OVHcloud's API as its client library (go-ovh) calls it: each refresh asks the server's
 * time ({@code GET /auth/time}, unsigned), then signs every request with the application key,
 * the consumer key, a timestamp in the server's time and {@code X-Ovh-Signature}:
 * {@code "$1$"} and the hex SHA-1 of {@code secret+consumerKey+method+url+body+timestamp} (the
 * parts joined by {@code +}), as OVHcloud documents. {@code GET /vps} (or
 * {@code /dedicated/server}), then each server's details and {@code ips}; a server whose details
 * or addresses cannot be read is skipped with a warning. One group {@code ovhcloud_<service>}, a
 * target per server on its (last) IPv4 address, else its IPv6 address, without a port, and
 * {@code instance} set to its name, as Prometheus. A failed refresh keeps the last targets.
 */
final class OvhcloudDiscoverer implements Discoverer {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final OvhcloudSdConfig config;
    private final ConfiguredHttpClient http;
    private final JsonHttpFetch<JsonNode> api;
    private final Clock clock;
    private final OvhcloudSdMetrics metrics;
    private final String owner;
    private final Logger log;
    private final RefreshingDiscoverer refresher;

    OvhcloudDiscoverer(OvhcloudSdConfig config, ConfiguredHttpClient http, long bodyLimit, Clock clock, OvhcloudSdMetrics metrics,
                       String owner, Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.api = new JsonHttpFetch<>(http, config.refreshInterval(), bodyLimit, JSON::readTree);
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.log = Objects.requireNonNull(log, "log is null");
        this.refresher = new RefreshingDiscoverer("OVHcloud SD", config.refreshInterval(), threads,
                new DiscoveryFailures("OVHcloud SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(OvhcloudSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            // As Prometheus, which builds a new client (and so asks the time anew) every refresh.
            JsonNode time = api.get(URI.create(config.endpoint() + "/auth/time"), "X-Ovh-Application", config.applicationKey());
            if (!time.canConvertToLong()) {
                throw new IOException("GET \"" + config.endpoint() + "/auth/time\": the answer is not a timestamp: " + time);
            }
            long delta = clock.millis() - time.asLong() * 1000;
            boolean vps = config.service().equals("vps");
            String base = vps ? "/vps" : "/dedicated/server";
            String source = "ovhcloud_" + config.service();
            List<Labels> targets = new ArrayList<>();
            for (JsonNode name : signedGet(base, delta)) {
                String server = name.asText();
                String path = base + "/" + queryEscape(server);
                Labels labels;
                try {
                    JsonNode details = signedGet(path, delta);
                    List<String> ips = new ArrayList<>();
                    for (JsonNode ip : signedGet(path + "/ips", delta)) {
                        ips.add(ip.asText());
                    }
                    labels = vps ? vps(details, addresses(ips)) : dedicated(details, addresses(ips));
                } catch (IOException e) {
                    log.warning("OVHcloud SD: " + source + ": Could not get details of " + server + ": " + e.getMessage());
                    continue;
                }
                targets.add(labels);
            }
            return List.of(new TargetGroup(source, targets, Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, OvhcloudSdMetrics.MECHANISM, owner);
        }
    }

    private JsonNode signedGet(String path, long deltaMillis) throws IOException, InterruptedException {
        String target = config.endpoint() + path;
        long timestamp = Math.floorDiv(clock.millis() - deltaMillis, 1000);
        return api.get(URI.create(target), "X-Ovh-Application", config.applicationKey(), "X-Ovh-Timestamp", Long.toString(timestamp),
                "X-Ovh-Consumer", config.consumerKey(), "X-Ovh-Signature",
                signature(config.applicationSecret(), config.consumerKey(), "GET", target, "", timestamp));
    }

    /** OVHcloud's request signature: {@code $1$} and the hex SHA-1 of the parts joined by {@code +}. */
    static String signature(String secret, String consumerKey, String method, String url, String body, long timestamp) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((secret + "+" + consumerKey + "+" + method + "+" + url + "+" + body
                    + "+" + timestamp).getBytes(StandardCharsets.UTF_8));
            return "$1$" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** The addresses of an {@code ips} list as Prometheus reads it: addresses, or /32 prefixes; other prefixes skipped. */
    static List<InetAddress> addresses(List<String> list) throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (String entry : list) {
            String address = entry;
            int slash = entry.indexOf('/');
            if (slash >= 0) {
                address = entry.substring(0, slash);
                String bits = entry.substring(slash + 1);
                if (literal(address) == null || !bits.matches("\\d{1,3}")) {
                    throw new IOException("could not parse IP addresses from list");
                }
                if (Integer.parseInt(bits) != 32) {
                    continue;
                }
            }
            InetAddress parsed = literal(address);
            if (parsed == null) {
                throw new IOException("could not parse IP addresses from list");
            }
            if (!parsed.isAnyLocalAddress()) {
                addresses.add(parsed);
            }
        }
        if (addresses.isEmpty()) {
            throw new IOException("could not parse IP addresses from list");
        }
        return addresses;
    }

    /** An IP address literal, never a name looked up; null when the text is none. */
    private static InetAddress literal(String text) {
        boolean v4 = text.matches("(0|[1-9]\\d{0,2})(\\.(0|[1-9]\\d{0,2})){3}");
        boolean v6 = text.contains(":") && text.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static Labels vps(JsonNode server, List<InetAddress> ips) {
        String[] ip = ipv4AndIpv6(ips);
        String p = "__meta_ovhcloud_vps_";
        JsonNode model = server.path("model");
        List<String> datacenter = new ArrayList<>();
        model.path("datacenter").forEach(d -> datacenter.add(d.asText()));
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("__address__", ip[0].isEmpty() ? ip[1] : ip[0]);
        labels.put("instance", text(server, "name"));
        labels.put(p + "offer", text(model, "offer"));
        labels.put(p + "datacenter", "[" + String.join(" ", datacenter) + "]");
        labels.put(p + "model_vcore", integer(model, "vcore"));
        labels.put(p + "maximum_additional_ip", integer(model, "maximumAdditionnalIp"));
        labels.put(p + "version", text(model, "version"));
        labels.put(p + "model_name", text(model, "name"));
        labels.put(p + "disk", integer(model, "disk"));
        labels.put(p + "memory", integer(model, "memory"));
        labels.put(p + "zone", text(server, "zone"));
        labels.put(p + "display_name", text(server, "displayName"));
        labels.put(p + "cluster", text(server, "cluster"));
        labels.put(p + "state", text(server, "state"));
        labels.put(p + "name", text(server, "name"));
        labels.put(p + "netboot_mode", text(server, "netbootMode"));
        labels.put(p + "memory_limit", integer(server, "memoryLimit"));
        labels.put(p + "offer_type", text(server, "offerType"));
        labels.put(p + "vcore", integer(server, "vcore"));
        labels.put(p + "ipv4", ip[0]);
        labels.put(p + "ipv6", ip[1]);
        return Labels.fromMap(labels);
    }

    private static Labels dedicated(JsonNode server, List<InetAddress> ips) {
        String[] ip = ipv4AndIpv6(ips);
        String p = "__meta_ovhcloud_dedicated_server_";
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("__address__", ip[0].isEmpty() ? ip[1] : ip[0]);
        labels.put("instance", text(server, "name"));
        labels.put(p + "state", text(server, "state"));
        labels.put(p + "commercial_range", text(server, "commercialRange"));
        labels.put(p + "link_speed", integer(server, "linkSpeed"));
        labels.put(p + "rack", text(server, "rack"));
        labels.put(p + "no_intervention", Boolean.toString(server.path("noIntervention").asBoolean(false)));
        labels.put(p + "os", text(server, "os"));
        labels.put(p + "support_level", text(server, "supportLevel"));
        labels.put(p + "server_id", integer(server, "serverId"));
        labels.put(p + "reverse", text(server, "reverse"));
        labels.put(p + "datacenter", text(server, "datacenter"));
        labels.put(p + "name", text(server, "name"));
        labels.put(p + "ipv4", ip[0]);
        labels.put(p + "ipv6", ip[1]);
        return Labels.fromMap(labels);
    }

    /** The last IPv4 and the last IPv6 address of the list (empty when none), as Prometheus picks them. */
    private static String[] ipv4AndIpv6(List<InetAddress> ips) {
        String[] result = {"", ""};
        for (InetAddress ip : ips) {
            if (ip.getAddress().length == 4) {
                result[0] = ip.getHostAddress();
            } else {
                result[1] = GoAddresses.ipv6(ip.getAddress());
            }
        }
        return result;
    }


    /** Go's {@code url.QueryEscape}: all but letters, digits and {@code -_.~} percent-encoded, a space as {@code +}. */
    static String queryEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else if (c == ' ') {
                out.append('+');
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? "" : value.asText();
    }

    private static String integer(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || !value.isNumber() ? "0" : Long.toString(value.longValue());
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
