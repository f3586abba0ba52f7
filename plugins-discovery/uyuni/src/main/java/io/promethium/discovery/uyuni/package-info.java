/**
 * uyuni_sd_configs: the monitoring endpoints of the systems an Uyuni (SUSE Manager) server
 * manages, read over its XML-RPC API. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code uyuni}; its
 * implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.uyuni;
