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
 * Hands the {@code storage:} section of {@code prometheus.yml} to whichever storage plugin is
 * installed. Storage plugins depend on the api alone, so they learn these settings through
 * Configuration Admin under the neutral PID {@code io.promethium.storage} (keys
 * {@code outOfOrderTimeWindow} and {@code maxExemplars}); the plugin applies them live. Its flags reach it separately.
 */
@Component(service = ConfigConsumer.class)
public final class StorageSettingsPublisher implements ConfigConsumer {

    static final String STORAGE_PID = "io.promethium.storage";
    static final String OUT_OF_ORDER_KEY = "outOfOrderTimeWindow";
    static final String MAX_EXEMPLARS_KEY = "maxExemplars";

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
            String maxExemplars = Long.toString(config.storage().maxExemplars());
            if (properties != null && window.equals(properties.get(OUT_OF_ORDER_KEY))
                    && maxExemplars.equals(properties.get(MAX_EXEMPLARS_KEY))) {
                return;
            }
            Dictionary<String, Object> updated = new Hashtable<>();
            updated.put(OUT_OF_ORDER_KEY, window);
            updated.put(MAX_EXEMPLARS_KEY, maxExemplars);
            configuration.update(updated);
        } catch (IOException e) {
            throw new ConfigException("cannot hand the storage section (out_of_order_time_window, max_exemplars) to the storage: "
                    + e.getMessage(), e);
        }
    }
}
