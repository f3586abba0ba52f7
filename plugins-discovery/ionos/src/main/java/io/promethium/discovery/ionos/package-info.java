/**
 * ionos_sd_configs: servers of one IONOS Cloud data center, from the Cloud API (v6), refreshed every interval. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code ionos}; its implementation
 * lives in the private {@code internal} package.
 */
package io.promethium.discovery.ionos;
