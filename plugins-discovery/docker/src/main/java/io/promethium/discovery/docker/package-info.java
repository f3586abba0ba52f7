/**
 * docker_sd_configs: the containers of a Docker engine. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code docker}; its
 * implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.docker;
