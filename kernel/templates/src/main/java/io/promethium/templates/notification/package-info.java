/**
 * Alertmanager's notification template data ({@link io.promethium.templates.notification.NotificationData},
 * {@link io.promethium.templates.notification.KV}, {@link io.promethium.templates.notification.Alerts})
 * and {@link io.promethium.templates.notification.NotificationTemplates}, the api's template
 * renderer over the built-in {@code default.tmpl} and a config's template files.
 *
 * <p>1.1.0: route labels ({@code .RouteLabels}, the {@code routeLabels} function) and
 * {@link io.promethium.templates.notification.NotificationTemplates#renderRouteLabels}.
 *
 * <p>1.2.0: {@code .NotificationReason}
 * ({@link io.promethium.templates.notification.NotificationData#notificationReason}).
 */
@Export
@Version("1.2.0")
package io.promethium.templates.notification;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
