/**
 * marathon_sd_configs: the tasks of the apps a Marathon server runs. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code marathon}; its
 * implementation lives in the private {@code internal} package.
 */
package io.promethium.discovery.marathon;
