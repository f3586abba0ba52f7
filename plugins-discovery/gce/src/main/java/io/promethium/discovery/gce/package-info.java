/**
 * gce_sd_configs: Compute Engine instances of one project and zone, from the Compute API with Google's application default credentials, refreshed every interval. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code gce}; its implementation
 * lives in the private {@code internal} package.
 */
package io.promethium.discovery.gce;
