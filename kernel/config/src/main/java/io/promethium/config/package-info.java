/**
 * Loading and serving the server config. {@link io.promethium.config.ConfigLoader} turns a
 * {@code prometheus.yml} into a {@link io.promethium.config.model.PrometheusConfig} or fails with
 * errors that name the key, file and line. At run time the config bundle offers
 * {@link io.promethium.config.ConfigService} (current config, reload) and calls every
 * {@link io.promethium.config.ConfigConsumer} service (whiteboard) with each new config, and every
 * {@link io.promethium.config.ReloadListener} with the outcome of each load.
 */
@Export
@Version("1.5.0")
package io.promethium.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
