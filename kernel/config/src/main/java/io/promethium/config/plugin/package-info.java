/**
 * The kernel side of the api's plugin context: {@link io.promethium.config.plugin.PluginMetricsRegistry}
 * (the {@code MetricsRegistrar} whose families are written on {@code /metrics}) and
 * {@link io.promethium.config.plugin.KernelPluginContext} (what a factory's {@code create}
 * receives). The config bundle registers the registry and the HTTP client factory as services;
 * the discovery manager and the notifier manager build contexts from them.
 */
@Export
@Version("1.0.0")
package io.promethium.config.plugin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
