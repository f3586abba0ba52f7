package io.promethium.config.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.config.ConfigConsumer;
import io.promethium.config.model.PrometheusConfig;
import java.io.IOException;
import io.promethium.config.model.StorageConfig;
import java.util.Dictionary;
import java.util.List;
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
 * {@code outOfOrderTimeWindow}, {@code maxExemplars}, {@code retentionRules} and {@code downsampling});
 * the plugin applies them live. Its flags reach it separately.
 *
 * <p>{@code retentionRules} is a {@code String[]}, one element per rule in order, each a run of
 * length-prefixed fields ({@code <chars>:<text>}): the retention, the selector as written, then
 * name, operator and value of each matcher. Length prefixes keep any label value intact without
 * the storage plugin needing a PromQL parser.
 *
 * <p>{@code downsampling} is a {@code String[]}, one element per resolution in increasing order,
 * each {@code resolution,after,retention} as Prometheus durations ({@code 5m,40h,90d}; retention
 * {@code 0s} keeps companions as long as there is data).
 */
@Component(service = ConfigConsumer.class)
public final class StorageSettingsPublisher implements ConfigConsumer {

    static final String STORAGE_PID = "io.promethium.storage";
    static final String OUT_OF_ORDER_KEY = "outOfOrderTimeWindow";
    static final String MAX_EXEMPLARS_KEY = "maxExemplars";
    static final String RETENTION_RULES_KEY = "retentionRules";
    static final String DOWNSAMPLING_KEY = "downsampling";

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
            String[] rules = encode(config.storage().retentionRules());
            String[] downsampling = encodeDownsampling(config.storage().downsampling());
            if (properties != null && window.equals(properties.get(OUT_OF_ORDER_KEY))
                    && maxExemplars.equals(properties.get(MAX_EXEMPLARS_KEY))
                    && java.util.Arrays.equals(rules, asStrings(properties.get(RETENTION_RULES_KEY)))
                    && java.util.Arrays.equals(downsampling, asStrings(properties.get(DOWNSAMPLING_KEY)))) {
                return;
            }
            Dictionary<String, Object> updated = new Hashtable<>();
            updated.put(OUT_OF_ORDER_KEY, window);
            updated.put(MAX_EXEMPLARS_KEY, maxExemplars);
            updated.put(RETENTION_RULES_KEY, rules);
            updated.put(DOWNSAMPLING_KEY, downsampling);
            configuration.update(updated);
        } catch (IOException e) {
            throw new ConfigException("cannot hand the storage section (out_of_order_time_window, max_exemplars, retention_rules, downsampling) to the storage: "
                    + e.getMessage(), e);
        }
    }

    static String[] encode(List<StorageConfig.RetentionRule> rules) {
        String[] out = new String[rules.size()];
        for (int i = 0; i < out.length; i++) {
            StorageConfig.RetentionRule r = rules.get(i);
            StringBuilder b = new StringBuilder();
            field(b, Durations.format(r.retention()));
            field(b, r.selector());
            for (String part : r.matchers()) {
                field(b, part);
            }
            out[i] = b.toString();
        }
        return out;
    }

    static String[] encodeDownsampling(List<StorageConfig.DownsamplingResolution> levels) {
        String[] out = new String[levels.size()];
        for (int i = 0; i < out.length; i++) {
            StorageConfig.DownsamplingResolution l = levels.get(i);
            out[i] = Durations.format(l.resolution()) + "," + Durations.format(l.after()) + "," + Durations.format(l.retention());
        }
        return out;
    }

    private static void field(StringBuilder b, String text) {
        b.append(text.length()).append(':').append(text);
    }

    private static String[] asStrings(Object value) {
        return value instanceof String[] a ? a : value == null ? new String[0] : null;
    }
}
