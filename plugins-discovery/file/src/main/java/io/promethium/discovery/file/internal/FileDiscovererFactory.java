package io.promethium.discovery.file.internal;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code file} discovery type: owns {@code file_sd_configs}. Also the {@link Collector} of
 * the file discovery metrics, so that the counters and the discoverers share one instance.
 */
@Component(service = {DiscovererFactory.class, Collector.class})
public final class FileDiscovererFactory implements DiscovererFactory, Collector {

    private final FileSdMetrics metrics = new FileSdMetrics();

    public FileDiscovererFactory() {
    }

    @Override
    public String type() {
        return "file";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        FileSdConfig.parse(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        FileSdConfig parsed = FileSdConfig.parse(config);
        List<FilePattern> patterns = new ArrayList<>();
        for (String file : parsed.files()) {
            patterns.add(FilePattern.of(context.configDirectory(), file));
        }
        return new FileDiscoverer(patterns, parsed.refreshInterval(), metrics, context.owner());
    }

    @Override
    public void collect(MetricWriter writer) {
        metrics.write(writer);
    }

    /** Read errors so far, for tests and embedders. */
    public long readErrors() {
        return metrics.readErrors();
    }
}
