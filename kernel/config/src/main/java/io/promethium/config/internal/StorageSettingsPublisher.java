package io.promethium.config.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.config.ConfigConsumer;
import io.promethium.config.model.PrometheusConfig;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Objects;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Hands the {@code storage:} section of {@code prometheus.yml} to the storage plugin. Storage
 * plugins depend on the api alone, so they learn their settings through Configuration Admin:
 * the out-of-order window goes into the storage's configuration ({@code io.promethium.tsdb}),
 * next to what the launcher wrote from the command line, and the plugin applies it live.
 */
@Component(service = ConfigConsumer.class)
public final class StorageSettingsPublisher implements ConfigConsumer {

    static final String STORAGE_PID = "io.promethium.tsdb";
    static final String OUT_OF_ORDER_KEY = "outOfOrderTimeWindow";

    private final ConfigurationAdmin configurationAdmin;

    @Activate
    public StorageSettingsPublisher(@Reference ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = Objects.requireNonNull(configurationAdmin, "configurationAdmin is null");
    }

    @Override
    public void applyConfig(PrometheusConfig config) throws ConfigException {
        String window = Durations.format(config.storage().outOfOrderTimeWindow());
        try {
            Configuration configuration = configurationAdmin.getConfiguration(STORAGE_PID, "?");
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties == null) {
                // The launcher writes the storage path; without it there is no storage to tune.
                return;
            }
            if (window.equals(properties.get(OUT_OF_ORDER_KEY))) {
                return;
            }
            Dictionary<String, Object> updated = new Hashtable<>();
            for (var keys = properties.keys(); keys.hasMoreElements();) {
                String key = keys.nextElement();
                updated.put(key, properties.get(key));
            }
            updated.put(OUT_OF_ORDER_KEY, window);
            configuration.update(updated);
        } catch (IOException e) {
            throw new ConfigException("cannot hand storage.tsdb.out_of_order_time_window to the storage: " + e.getMessage(), e);
        }
    }
}
