/**
 * The kernel side of the api's plugin context: {@link io.promethium.config.plugin.PluginMetricsRegistry}
 * (the {@code MetricsRegistrar} whose families are written on {@code /metrics}) and
 * {@link io.promethium.config.plugin.KernelPluginContext} (what a factory's {@code create}
 * receives). This bundle registers the registry as a service (the HTTP client factory comes from
 * the http bundle);
 * the discovery manager and the notifier manager build contexts from them.
 */
@Export
@Version("1.1.0")
package io.promethium.config.plugin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
