/**
 * consul_sd_configs: services from Consul's catalog and health API, followed with blocking
 * queries. The bundle registers a {@link io.promethium.api.discovery.DiscovererFactory} of type
 * {@code consul}; its implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.consul;
