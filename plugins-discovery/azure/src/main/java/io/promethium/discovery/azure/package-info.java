/**
 * azure_sd_configs: virtual machines and scale-set VMs of an Azure subscription with their network interfaces, from Azure Resource Manager's REST API, refreshed every interval. The bundle registers a
 * {@link io.promethium.api.discovery.DiscovererFactory} of type {@code azure}; its implementation
 * lives in the private {@code internal} package.
 */
package io.promethium.discovery.azure;
