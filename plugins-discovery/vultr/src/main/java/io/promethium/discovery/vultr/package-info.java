/**
 * vultr_sd_configs: instances of a Vultr account, from its REST API (v2), refreshed every interval. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code vultr}; its implementation
 * lives in the private {@code internal} package.
 */
package io.promethium.discovery.vultr;
