package io.promethium.discovery.aws.internal;

import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.http.ConfiguredHttpClient;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Runs one {@code aws_sd_configs} block of role {@code ecs}, {@code elasticache}, {@code msk} or
 * {@code rds}: every {@code refresh_interval} on its own thread, the session resolved, then the
 * role's refresh, timed in {@code prometheus_sd_refresh_duration_seconds}. A failed refresh keeps
 * the last targets and counts in {@code prometheus_sd_refresh_failures_total}.
 */
final class RoleDiscoverer implements Discoverer {

    /** What a role does in a refresh: its service's calls and its labels, over the session resolved for it. */
    @FunctionalInterface
    interface Role {
        List<TargetGroup> refresh(AwsRoleSession session) throws IOException, InterruptedException;
    }

    private final AwsRoleSession session;
    private final Role role;
    private final ConfiguredHttpClient http;
    private final AwsSdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;

    /**
     * @param name how logs name the role, as Prometheus ({@code "ECS SD"})
     * @param http the client's HTTP client, closed with this
     */
    RoleDiscoverer(String name, RoleSdConfig config, AwsRoleSession session, Role role, ConfiguredHttpClient http, AwsSdMetrics metrics,
                   String owner, Logger log, ThreadFactory threads) {
        this.session = Objects.requireNonNull(session, "session is null");
        this.role = Objects.requireNonNull(role, "role is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.refresher = new RefreshingDiscoverer(name, config.refreshInterval(), threads,
                new DiscoveryFailures(name + ": ", Objects.requireNonNull(log, "log is null"), metrics.failuresOf(owner)), this::refresh);
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
            session.resolve();
            return role.refresh(session);
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, metrics.mechanism, owner);
        }
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
