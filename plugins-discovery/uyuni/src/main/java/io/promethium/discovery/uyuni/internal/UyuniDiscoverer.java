package io.promethium.discovery.uyuni.internal;

import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Follows one {@code uyuni_sd_configs} block as Prometheus's {@code discovery/uyuni} does: every
 * {@code refresh_interval}, over Uyuni's XML-RPC API ({@code <server>/rpc/api}), the systems
 * with the entitlement and their groups ({@code system.listSystemGroupsForSystemsWithEntitlement}),
 * their monitoring endpoints ({@code system.monitoring.listEndpoints}) and network
 * ({@code system.getNetworkForSystems}); a target per endpoint on {@code hostname:port} in one
 * group (source: the API URL) with {@code __meta_uyuni_*} labels. It logs in
 * ({@code auth.login}, a 10-minute session) again after 5 minutes or after a failed refresh.
 * Each call times out after one interval (Prometheus sets none). A failed refresh keeps the last
 * targets, is counted in {@code prometheus_sd_refresh_failures_total{mechanism="uyuni"}} and
 * logged once per change.
 */
final class UyuniDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_uyuni_";
    static final Duration TOKEN_DURATION = Duration.ofMinutes(10);

    private final UyuniSdConfig config;
    private final XmlRpc rpc;
    private final UyuniSdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;
    /** The session token and when to log in again; touched by the refresh thread only. */
    private String token = "";
    private long tokenExpiresNanos = System.nanoTime();

    UyuniDiscoverer(UyuniSdConfig config, XmlRpc rpc, UyuniSdMetrics metrics, String owner, Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.rpc = Objects.requireNonNull(rpc, "rpc is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.refresher = new RefreshingDiscoverer("Uyuni SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Uyuni SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(UyuniSdMetrics.MECHANISM, owner);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            if (token.isEmpty() || System.nanoTime() - tokenExpiresNanos >= 0) {
                try {
                    token = string(rpc.call("auth.login", config.username(), config.password(), (int) TOKEN_DURATION.toSeconds()));
                } catch (IOException e) {
                    throw new IOException("unable to login to Uyuni API: " + e.getMessage(), e);
                }
                // Log in again at half the session's lifetime.
                tokenExpiresNanos = System.nanoTime() + TOKEN_DURATION.dividedBy(2).toNanos();
            }
            try {
                return List.of(new TargetGroup(rpc.url(), targets(), Labels.EMPTY));
            } catch (IOException e) {
                // A session the server dropped: log in again next time.
                token = "";
                throw e;
            }
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, UyuniSdMetrics.MECHANISM, owner);
        }
    }

    private List<Labels> targets() throws IOException, InterruptedException {
        Map<Long, List<String>> groupsBySystem = new LinkedHashMap<>();
        try {
            for (Object info : list(rpc.call("system.listSystemGroupsForSystemsWithEntitlement", token, config.entitlement()))) {
                Map<?, ?> system = struct(info);
                List<String> names = new ArrayList<>();
                for (Object group : list(system.get("system_groups"))) {
                    names.add(string(struct(group).get("name")));
                }
                groupsBySystem.put(integer(system.get("id")), names);
            }
        } catch (IOException e) {
            throw new IOException("unable to get the managed system groups information of monitored clients: " + e.getMessage(), e);
        }
        List<Object> ids = new ArrayList<>(groupsBySystem.keySet());
        List<Object> endpoints;
        try {
            endpoints = list(rpc.call("system.monitoring.listEndpoints", token, ids));
        } catch (IOException e) {
            throw new IOException("unable to get endpoints information: " + e.getMessage(), e);
        }
        Map<Long, Map<?, ?>> networks = new LinkedHashMap<>();
        try {
            for (Object info : list(rpc.call("system.getNetworkForSystems", token, ids))) {
                Map<?, ?> network = struct(info);
                networks.put(integer(network.get("system_id")), network);
            }
        } catch (IOException e) {
            throw new IOException("unable to get the systems network information: " + e.getMessage(), e);
        }
        List<Labels> targets = new ArrayList<>();
        for (Object item : endpoints) {
            Map<?, ?> endpoint = struct(item);
            long systemId = integer(endpoint.get("system_id"));
            Map<?, ?> network = networks.getOrDefault(systemId, Map.of());
            String hostname = string(network.get("hostname"));
            Labels.Builder labels = Labels.builder()
                    .set("__address__", hostname + ":" + integer(endpoint.get("port")))
                    .set(PREFIX + "minion_hostname", hostname)
                    .set(PREFIX + "primary_fqdn", string(network.get("primary_fqdn")))
                    .set(PREFIX + "system_id", Long.toString(systemId))
                    .set(PREFIX + "groups", String.join(config.separator(), groupsBySystem.getOrDefault(systemId, List.of())))
                    .set(PREFIX + "endpoint_name", string(endpoint.get("endpoint_name")))
                    .set(PREFIX + "exporter", string(endpoint.get("exporter_name")))
                    .set(PREFIX + "proxy_module", string(endpoint.get("module")))
                    .set(PREFIX + "metrics_path", string(endpoint.get("path")))
                    .set(PREFIX + "scheme", Boolean.TRUE.equals(endpoint.get("tls_enabled")) ? "https" : "http");
            targets.add(labels.build());
        }
        return targets;
    }

    private static List<Object> list(Object value) throws IOException {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IOException("expected an XML-RPC array, got " + value.getClass().getSimpleName());
        }
        return new ArrayList<>(list);
    }

    private static Map<?, ?> struct(Object value) throws IOException {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IOException("expected an XML-RPC struct, got " + (value == null ? "nothing" : value.getClass().getSimpleName()));
        }
        return map;
    }

    private static String string(Object value) throws IOException {
        if (value == null) {
            return "";
        }
        if (!(value instanceof String s)) {
            throw new IOException("expected an XML-RPC string, got " + value);
        }
        return s;
    }

    private static long integer(Object value) throws IOException {
        if (value == null) {
            return 0;
        }
        if (!(value instanceof Long l)) {
            throw new IOException("expected an XML-RPC int, got " + value);
        }
        return l;
    }

    @Override
    public void close() {
        refresher.close();
        rpc.close();
    }
}
