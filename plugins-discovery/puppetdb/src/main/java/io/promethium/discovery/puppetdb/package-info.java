/**
 * puppetdb_sd_configs: resources returned by a PuppetDB query. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code puppetdb}; its
 * implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.puppetdb;
