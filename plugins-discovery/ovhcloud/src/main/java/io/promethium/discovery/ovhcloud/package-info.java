/**
 * ovhcloud_sd_configs: VPS and dedicated servers of an OVHcloud account, from its signed REST API, refreshed every interval.
 * The bundle registers a {@link io.promethium.api.discovery.DiscovererFactory} of type {@code ovhcloud}; its implementation
 * lives in the private {@code internal} package.
 */
package io.promethium.discovery.ovhcloud;
