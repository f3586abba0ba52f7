package io.promethium.discovery.zookeeper.internal;

import io.promethium.api.plugin.MetricsRegistrar;

/** The ZooKeeper tree cache's metrics with Prometheus's names, shared by every nerve and serverset discoverer. */
final class ZookeeperSdMetrics {

    final MetricsRegistrar.Counter failures;
    final MetricsRegistrar.Gauge watchers;

    ZookeeperSdMetrics(MetricsRegistrar registrar) {
        failures = registrar.counter("prometheus_treecache_zookeeper_failures_total", "The total number of ZooKeeper failures.");
        // Prometheus counts a goroutine per watched node; here a node is watched without a thread, the count is the same.
        watchers = registrar.gauge("prometheus_treecache_watcher_goroutines", "The current number of watcher goroutines.");
    }
}
