package io.promethium.discovery.file.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code file} discovery type: owns {@code file_sd_configs}. Metrics, logger and threads come
 * from the context of each discoverer.
 */
@Component(service = DiscovererFactory.class)
public final class FileDiscovererFactory implements DiscovererFactory {

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
        return new FileDiscoverer(patterns, parsed.refreshInterval(), new FileSdMetrics(context.metrics()), context);
    }
}
