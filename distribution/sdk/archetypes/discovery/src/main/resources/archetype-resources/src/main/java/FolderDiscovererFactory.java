package ${package};

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.plugin.MetricsRegistrar;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code ${pluginType}_sd_configs} key of scrape configs and {@code alerting.alertmanagers}:
 * <pre>
 * ${pluginType}_sd_configs:
 *   - directory: targets        # relative to the config file's folder
 *     refresh_interval: 30s     # optional, 30s by default
 * </pre>
 * Every {@code *.targets} file of the folder is a target group (its source is the file name); each
 * of its lines that is neither blank nor a comment is one {@code host:port}. Replace
 * {@link TargetsFolder} with a client of your own system and keep the rest.
 *
 * <p>Registered as a Declarative Services component ({@code @Component}) for the server, and listed
 * in {@code META-INF/services} for tests and {@code promethium check config}.
 */
@Component(service = DiscovererFactory.class)
public final class FolderDiscovererFactory implements DiscovererFactory {

    static final String TYPE = "${pluginType}";
    static final Set<String> FIELDS = Set.of("directory", "refresh_interval");
    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);

    @Override
    public String type() {
        return TYPE;
    }

    /** Refuses what it does not understand, naming the field and its file:line:col. */
    @Override
    public void validate(PluginConfig config) throws ConfigException {
        config.requireOnly(FIELDS);
        config.requiredString("directory");
        Duration refresh = config.duration("refresh_interval", DEFAULT_REFRESH);
        if (refresh.isZero() || refresh.isNegative()) {
            throw config.error("refresh_interval", "refresh_interval must be positive");
        }
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        validate(config);
        Path folder = context.configDirectory().resolve(config.requiredString("directory"));
        MetricsRegistrar.Counter failures = context.metrics()
                .counter("prometheus_sd_" + TYPE + "_refresh_failures_total", "Failed refreshes of " + TYPE + " discovery.");
        return new RefreshingDiscoverer(TYPE + " SD", config.duration("refresh_interval", DEFAULT_REFRESH), context.threads(),
                new DiscoveryFailures(TYPE + " SD: ", context.logger(), failures), new TargetsFolder(folder)::groups);
    }
}
