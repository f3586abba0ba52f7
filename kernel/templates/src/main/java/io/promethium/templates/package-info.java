/**
 * Go text/template for Promethium: the engine rule templates and notification templates share.
 * {@link io.promethium.templates.Template#parse(String, String, Dialect, Template)} parses a text
 * with one {@link io.promethium.templates.Dialect}'s functions (Prometheus's or Alertmanager's)
 * and the definitions of a base set; data objects expose Go-style fields and methods through
 * {@link io.promethium.templates.TemplateValue}. {@code io.promethium.templates.notification}
 * holds Alertmanager's notification data and our default notification templates.
 *
 * <p>1.3.0: {@link io.promethium.templates.ExecutionContext} (the rule evaluation time of
 * Prometheus's {@code now}, the clock of Alertmanager's), {@link io.promethium.templates.RouteLabelSource}
 * and {@link io.promethium.templates.Template#renderRouteLabels}.
 */
@Export
@Version("1.3.0")
package io.promethium.templates;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
