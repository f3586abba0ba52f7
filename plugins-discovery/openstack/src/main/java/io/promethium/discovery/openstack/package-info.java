/**
 * openstack_sd_configs: Nova hypervisors or instances, or Octavia load balancers, of one region, found through Keystone v3.
 * The bundle registers a {@link io.promethium.api.discovery.DiscovererFactory} of type
 * {@code openstack}; its implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.openstack;
