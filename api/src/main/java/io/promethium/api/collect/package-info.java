/**
 * The collector SPI: how a plugin adds metrics to the server's own {@code /metrics}. Every
 * {@link io.promethium.api.collect.Collector} service is asked for its metrics on each scrape of
 * {@code /metrics}; it writes them into a {@link io.promethium.api.collect.MetricWriter} without
 * building objects per sample.
 */
@Export
@Version("1.0.0")
package io.promethium.api.collect;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
