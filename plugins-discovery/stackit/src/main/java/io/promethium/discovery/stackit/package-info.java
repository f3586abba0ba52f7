/**
 * stackit_sd_configs: servers of a STACKIT project, from its IaaS API, refreshed every interval. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code stackit}; its implementation lives in the private
 * {@code internal} package.
 */
package io.promethium.discovery.stackit;
