/**
 * Prometheus relabeling: {@link io.promethium.config.relabel.Relabeler} applies a list of
 * {@code relabel_configs} (or {@code metric_relabel_configs}, {@code alert_relabel_configs},
 * {@code write_relabel_configs}) to a label set with Prometheus's semantics for every action.
 * Shared by scraping, alerting and remote write.
 */
@Export
@Version("1.0.0")
package io.promethium.config.relabel;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
