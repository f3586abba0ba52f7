/**
 * Sending alerts to Alertmanagers. The alerting bundle registers an
 * {@link io.promethium.alerting.AlertSender} (used by the rules bundle) and an
 * {@link io.promethium.alerting.AlertmanagerTargets} view (for {@code /api/v1/alertmanagers}).
 */
@Export
@Version("1.0.0")
package io.promethium.alerting;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
