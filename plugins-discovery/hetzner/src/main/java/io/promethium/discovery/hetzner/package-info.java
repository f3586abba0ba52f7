/**
 * hetzner_sd_configs: servers of Hetzner Cloud ({@code hcloud}) or Hetzner Robot ({@code robot}).
 * The bundle registers a {@link io.promethium.api.discovery.DiscovererFactory} of type
 * {@code hetzner}; its implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.hetzner;
