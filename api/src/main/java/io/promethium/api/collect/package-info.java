/**
 * The collector SPI: how a plugin adds metrics to the server's own {@code /metrics}. Every
 * {@link io.promethium.api.collect.Collector} service is asked for its metrics on each scrape of
 * {@code /metrics}; it writes them into a {@link io.promethium.api.collect.MetricWriter} without
 * building objects per sample. An {@link io.promethium.api.collect.Exporter} service is a named
 * page of its own ({@code /exporters/<name>/metrics}), scraped in-process by the server.
 */
@Export
@Version("1.1.0")
package io.promethium.api.collect;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
