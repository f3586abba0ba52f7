/**
 * file_sd_configs: targets from JSON and YAML files, watched for changes. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code file}; its implementation
 * lives in the private {@code internal} package.
 */
package io.promethium.discovery.file;
