/**
 * The typed form of {@code prometheus.yml}: immutable records with Prometheus's defaults already
 * applied (scrape configs inherit the global interval, timeout and limits). Built by
 * {@link io.promethium.config.ConfigLoader}; consumed by the scrape manager, rules, alerting
 * and web bundles.
 */
@Export
@Version("2.4.0")
package io.promethium.config.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
