/**
 * linode_sd_configs: Linode instances of an account (optionally one region), from its REST API (v4), refreshed every interval. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code linode}; its implementation
 * lives in the private {@code internal} package.
 */
package io.promethium.discovery.linode;
