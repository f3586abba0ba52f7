/**
 * eureka_sd_configs: application instances registered with a Netflix Eureka server. The bundle
 * registers a {@link io.promethium.api.discovery.DiscovererFactory} of type {@code eureka}; its
 * implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.eureka;
