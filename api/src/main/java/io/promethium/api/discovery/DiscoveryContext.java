package io.promethium.api.discovery;

import io.promethium.api.plugin.PluginContext;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the kernel gives a discoverer: the {@link PluginContext} (logger, metrics, HTTP clients,
 * config folder) of the scrape job or Alertmanager set it serves. One discoverer may serve
 * several jobs with identical blocks; {@link #owner()} then names the first.
 */
@ProviderType
public interface DiscoveryContext extends PluginContext {
}
