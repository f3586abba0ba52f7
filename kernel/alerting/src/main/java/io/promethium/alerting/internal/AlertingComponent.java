package io.promethium.alerting.internal;

import io.promethium.alerting.AlertSender;
import io.promethium.alerting.AlertmanagerTargets;
import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.Alert;
import io.promethium.config.ConfigConsumer;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.discovery.DiscoveryService;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The notifier as a DS component: follows the config's {@code alerting} section and every
 * discovery plugin; offers {@link AlertSender} to the rules bundle. Reads the launcher flags
 * {@code promethium.flag.alertmanager.notification-queue-capacity} (10000) and
 * {@code promethium.flag.alertmanager.drain-notification-queue-on-shutdown} (true), and its own
 * {@code promethium.flag.alertmanager.notification-batch-size} (256, declared in its bnd.bnd).
 *
 * <p>The public no-argument constructor is for {@link java.util.ServiceLoader} (defaults).
 */
@Component(immediate = true, service = {ConfigConsumer.class, AlertSender.class, AlertmanagerTargets.class, Collector.class})
public final class AlertingComponent implements ConfigConsumer, AlertSender, AlertmanagerTargets, Collector {

    static final String CAPACITY_FLAG = "promethium.flag.alertmanager.notification-queue-capacity";
    static final String BATCH_FLAG = "promethium.flag.alertmanager.notification-batch-size";
    static final String DRAIN_FLAG = "promethium.flag.alertmanager.drain-notification-queue-on-shutdown";

    private final NotifierManager manager;

    public AlertingComponent() {
        this(10_000, true);
    }

    AlertingComponent(int capacity, boolean drain) {
        this.manager = new NotifierManager(capacity, drain);
    }

    @Activate
    public AlertingComponent(BundleContext context, @Reference DiscoveryService discovery) {
        this.manager = new NotifierManager(capacity(context.getProperty(CAPACITY_FLAG)),
                positive("alertmanager.notification-batch-size", context.getProperty(BATCH_FLAG), NotifierManager.MAX_BATCH),
                !"false".equalsIgnoreCase(String.valueOf(context.getProperty(DRAIN_FLAG))), discovery);
    }

    static int capacity(String flag) {
        return positive("alertmanager.notification-queue-capacity", flag, 10_000);
    }

    static int positive(String name, String flag, int fallback) {
        if (flag == null || flag.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(flag.strip());
            if (v < 1) {
                throw new IllegalArgumentException("--" + name + " must be positive: " + flag);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " is not an integer: " + flag, e);
        }
    }

    @Deactivate
    public void deactivate() {
        manager.close(Duration.ofSeconds(10));
    }

    @Override
    public void applyConfig(PrometheusConfig config) throws ConfigException {
        manager.applyConfig(config);
    }

    @Override
    public void send(List<Alert> alerts) {
        manager.send(alerts);
    }

    @Override
    public List<URI> activeAlertmanagers() {
        return manager.activeAlertmanagers();
    }

    @Override
    public List<URI> droppedAlertmanagers() {
        return manager.droppedAlertmanagers();
    }

    @Override
    public void collect(MetricWriter writer) {
        manager.collect(writer);
    }
}
