/**
 * Sending alerts to Alertmanagers. The alerting bundle registers an
 * {@link io.promethium.alerting.AlertSender} (used by the rules bundle) and an
 * {@link io.promethium.alerting.AlertmanagerTargets} view (for {@code /api/v1/alertmanagers}).
 * 1.1.0: {@link io.promethium.alerting.AlertPreparation}, shared with the in-process Alertmanager.
 */
@Export
@Version("1.1.0")
package io.promethium.alerting;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
