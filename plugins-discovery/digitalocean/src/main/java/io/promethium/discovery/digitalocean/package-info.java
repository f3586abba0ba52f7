/**
 * digitalocean_sd_configs: droplets or managed database clusters of a DigitalOcean account. The
 * bundle registers a {@link io.promethium.api.discovery.DiscovererFactory} of type
 * {@code digitalocean}; its implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.digitalocean;
