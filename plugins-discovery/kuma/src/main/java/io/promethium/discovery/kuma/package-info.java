/**
 * kuma_sd_configs: the monitoring assignments a Kuma service mesh control plane hands out over
 * its MADS (monitoring assignment discovery service) protocol. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code kuma}; its implementation
 * lives in the private {@code internal} package.
 */
package io.promethium.discovery.kuma;
