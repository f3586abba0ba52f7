/**
 * scaleway_sd_configs: Scaleway instances or Elastic Metal (baremetal) servers of one zone, from Scaleway's REST APIs, refreshed every interval. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code scaleway}; its implementation
 * lives in the private {@code internal} package.
 */
package io.promethium.discovery.scaleway;
