package io.promethium.notifications.internal;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.MetricType;
import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import io.promethium.config.ConfigService;
import io.promethium.config.ReloadListener;
import java.io.IOException;
import java.time.Clock;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The server's notifications as a bundle: it starts with "starting up", which the first config
 * load clears (the launcher loads the config once every start-up bundle, storage included, is
 * active); a failed load adds "configuration reload has failed" and the next good one clears it;
 * the bundle stopping (the server shutting down) adds "shutting down" and ends the live streams.
 * Serves {@link NotificationRoutes} and Prometheus's {@code prometheus_api_notification_*} metrics.
 */
@Component(service = {HttpRoutes.class, ReloadListener.class, Collector.class})
public final class NotificationsComponent implements HttpRoutes, ReloadListener, Collector {

    private final Notifications notifications;
    private final NotificationRoutes routes;

    @Activate
    public NotificationsComponent(BundleContext context) {
        this(maxSubscribers(context.getProperty("promethium.flag.web.max-notifications-subscribers")), Clock.systemUTC());
    }

    NotificationsComponent(int maxSubscribers, Clock clock) {
        this.notifications = new Notifications(maxSubscribers, clock);
        this.routes = new NotificationRoutes(notifications);
        notifications.add(Notifications.STARTING_UP);
    }

    /** {@code --web.max-notifications-subscribers} (Prometheus's default 16). */
    static int maxSubscribers(String flag) {
        if (flag == null || flag.isBlank()) {
            return 16;
        }
        try {
            int n = Integer.parseInt(flag.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--web.max-notifications-subscribers: not a number of subscribers: " + flag);
    }

    @Deactivate
    void deactivate() {
        notifications.add(Notifications.SHUTTING_DOWN);
        routes.close();
    }

    @Override
    public void reloaded(ConfigService.ReloadResult result) {
        notifications.delete(Notifications.STARTING_UP);
        if (result.success()) {
            notifications.delete(Notifications.CONFIGURATION_UNSUCCESSFUL);
        } else {
            notifications.add(Notifications.CONFIGURATION_UNSUCCESSFUL);
        }
    }

    @Override
    public String pathPrefix() {
        return routes.pathPrefix();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        routes.handle(exchange);
    }

    /** The notifications held, for tests. */
    Notifications notifications() {
        return notifications;
    }

    @Override
    public void collect(MetricWriter writer) {
        writer.family("prometheus_api_notification_active_subscribers", MetricType.GAUGE,
                "The current number of active notification subscribers.", "");
        writer.sample("prometheus_api_notification_active_subscribers", notifications.activeSubscribers());
        writer.family("prometheus_api_notification_updates_sent_total", MetricType.COUNTER,
                "Total number of notification updates sent.", "");
        writer.sample("prometheus_api_notification_updates_sent_total", notifications.updatesSent());
        writer.family("prometheus_api_notification_updates_dropped_total", MetricType.COUNTER,
                "Total number of notification updates dropped.", "");
        writer.sample("prometheus_api_notification_updates_dropped_total", notifications.updatesDropped());
    }
}
