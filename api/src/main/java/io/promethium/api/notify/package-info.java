/**
 * The notifier SPI: how grouped alerts leave the server. A
 * {@link io.promethium.api.notify.NotifierFactory} of type {@code T} owns the receiver key
 * {@code T_configs} in {@code alertmanager.yml} and builds one
 * {@link io.promethium.api.notify.Notifier} per config block, given a
 * {@link io.promethium.api.notify.NotifierContext} (receiver, global defaults, template
 * renderer, {@code send_resolved}). The dispatcher owns grouping, retries and backoff: a notifier
 * sends once before a deadline and says, through
 * {@link io.promethium.api.notify.NotifyException}, whether to retry.
 *
 * <p>1.1.0: notifiers get a context and a deadline and may ask for a retry delay; alerts have
 * Alertmanager's fingerprint and status. (1.0.0 had no implementations.)
 *
 * <p>1.2.0: {@link io.promethium.api.notify.NotifierContext#httpConfig} picks a block's
 * {@code http_config} or the global default, as Alertmanager does.
 *
 * <p>1.3.0: {@link io.promethium.api.notify.HttpDelivery}, the POST, retry and error rules HTTP
 * notifiers share.
 *
 * <p>1.4.0: the config and send chores every notifier repeats, as Alertmanager does them:
 * {@link io.promethium.api.notify.SecretField} (a secret inline or in a file, with its
 * {@code global} default), {@link io.promethium.api.notify.NotifierUrls},
 * {@link io.promethium.api.notify.TemplateFields} (templates checked and rendered with their
 * field named), {@link io.promethium.api.notify.Runes} (truncation in code points),
 * {@link io.promethium.api.notify.GroupKeys} (the group key hash) and
 * {@link io.promethium.api.notify.NotifierContext#globalString};
 * {@link io.promethium.api.notify.NotifyException#statusCode} (set by {@code HttpDelivery}), for
 * Alertmanager's {@code reason} label of failed notifications.
 *
 * <p>1.5.0: {@link io.promethium.api.notify.TemplateRenderer#renderHtml} and
 * {@link io.promethium.api.notify.TemplateFields#renderHtml}, Alertmanager's HTML-escaped
 * rendering (Go's html/template); {@link io.promethium.api.notify.NotificationState}, what an
 * integration keeps about a group between notifications (Alertmanager's receiver data in the
 * notification log), passed by {@link io.promethium.api.notify.Notifier#send(io.promethium.api.notify.Notification,
 * java.time.Instant, io.promethium.api.notify.NotificationState)}.
 *
 * <p>1.6.0: {@link io.promethium.api.notify.Notification#routeLabels}, the rendered {@code labels}
 * of the group's route (Alertmanager 0.34's route labels);
 * {@link io.promethium.api.notify.Notification#reason}, why the dispatcher sends it
 * (Alertmanager's {@code .NotificationReason}).
 *
 * <p>1.7.0: {@link io.promethium.api.notify.WebhookMessage}, the body Alertmanager's webhook and
 * incident.io integrations post, written as Alertmanager's Go encoder writes it.
 *
 * <p>1.8.0: {@link io.promethium.api.notify.HttpDelivery#readBody}, the deadline-bounded body read
 * of {@code HttpDelivery}, for exchanges a notifier makes outside it (an STS call).
 *
 * <p>1.9.0: {@link io.promethium.api.notify.Runes#compare}, Go's string order (code points), for
 * the map keys and label names Alertmanager writes sorted.
 *
 * <p>1.10.0: {@link io.promethium.api.notify.NotifierContext#tracer}, the Alertmanager's
 * {@link io.promethium.api.trace.Tracer}, and {@link io.promethium.api.notify.HttpDelivery#traced}:
 * the server's notifier contexts hand out clients whose sends are {@code HTTP POST} client spans
 * under {@code notify.Integration.Notify} carrying {@code traceparent}, as Alertmanager's
 * {@code otelhttp} transport does.
 */
@Export
@Version("1.10.0")
package io.promethium.api.notify;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
