/**
 * http_sd_configs: target groups from an HTTP endpoint that speaks Prometheus's HTTP SD
 * protocol. The bundle registers a {@link io.promethium.api.discovery.DiscovererFactory} of type
 * {@code http}; its implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.http;
