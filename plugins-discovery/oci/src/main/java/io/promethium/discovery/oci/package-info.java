/**
 * oci_sd_configs: compute instances of an Oracle Cloud Infrastructure tenancy, from its signed REST APIs, refreshed every
 * interval. The bundle registers a {@link io.promethium.api.discovery.DiscovererFactory} of type {@code oci}; its
 * implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.oci;
