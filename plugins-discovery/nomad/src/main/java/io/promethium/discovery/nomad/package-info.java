/**
 * nomad_sd_configs: services registered in HashiCorp Nomad's built-in service catalogue. The
 * bundle registers a {@link io.promethium.api.discovery.DiscovererFactory} of type
 * {@code nomad}; its implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.nomad;
