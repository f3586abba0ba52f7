/**
 * Recording and alerting rules as the rest of the server sees them. The rules bundle registers a
 * {@link io.promethium.rules.RuleManager} service: a read-only view of the loaded rule groups, their
 * rules' health and the active alerts, as {@code /api/v1/rules} and {@code /api/v1/alerts} report
 * them. Everything returned is an immutable snapshot.
 */
@Export
@Version("1.0.0")
package io.promethium.rules;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
