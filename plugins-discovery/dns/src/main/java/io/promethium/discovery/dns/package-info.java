/**
 * dns_sd_configs: targets from SRV, A, AAAA, MX and NS records, looked up with the system's
 * resolver configuration. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code dns}; its implementation
 * lives in the private {@code internal} package.
 */
package io.promethium.discovery.dns;
