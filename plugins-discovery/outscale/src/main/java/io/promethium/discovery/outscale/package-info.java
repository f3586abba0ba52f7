/**
 * outscale_sd_configs: VMs of an Outscale account, from its OSC API, refreshed every interval. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code outscale}; its implementation lives in the private
 * {@code internal} package.
 */
package io.promethium.discovery.outscale;
