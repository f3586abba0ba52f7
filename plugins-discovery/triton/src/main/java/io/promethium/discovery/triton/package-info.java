/**
 * triton_sd_configs: containers or compute nodes from a Triton (Joyent) discovery endpoint, refreshed every interval. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code triton}; its implementation
 * lives in the private {@code internal} package.
 */
package io.promethium.discovery.triton;
