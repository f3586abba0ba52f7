/**
 * What the kernel gives every plugin instance: a {@link io.promethium.api.plugin.PluginContext}
 * with a logger, a {@link io.promethium.api.plugin.MetricsRegistrar} whose metrics appear on the
 * server's {@code /metrics}, the {@link io.promethium.api.http.HttpClientFactory} that applies
 * the standard {@code http_client_config}, and where relative file names resolve. Discovery and
 * notifier factories receive one in their {@code create} methods; a plugin that is a service of
 * its own (a storage) references {@code MetricsRegistrar} and {@code HttpClientFactory} as
 * OSGi services instead.
 *
 * <p>1.2.0: {@code MetricsRegistrar.Summary.instantiate} and {@code MetricsRegistrar.Histogram.instantiate}
 * (a child on {@code /metrics} at 0 before its first observation).
 */
@Export
@Version("1.2.0")
package io.promethium.api.plugin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
