/**
 * The service discovery SPI. A {@link io.promethium.api.discovery.DiscovererFactory} of type
 * {@code T} owns the config key {@code T_sd_configs} and builds one
 * {@link io.promethium.api.discovery.Discoverer} per config block; the discoverer publishes
 * {@link io.promethium.api.discovery.TargetGroup}s whenever what it watches changes. Meta labels
 * follow the convention {@code __meta_T_*}.
 *
 * <p>1.2.0: {@link io.promethium.api.discovery.RefreshingDiscoverer} (a discoverer that asks its
 * peer every interval, as Prometheus's {@code discovery/refresh}),
 * {@link io.promethium.api.discovery.DiscovererThreads} (a discoverer's threads and their stop)
 * and {@link io.promethium.api.discovery.DiscoveryFailures} (failures counted, logged once per
 * change).
 *
 * <p>1.3.0: {@link io.promethium.api.discovery.JsonHttpFetch} (a discoverer's requests to a
 * provider's JSON REST API: timeout, size limit, 2xx, 429 back-off).
 */
@Export
@Version("1.4.0")
package io.promethium.api.discovery;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
