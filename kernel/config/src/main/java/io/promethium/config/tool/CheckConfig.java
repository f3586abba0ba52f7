package io.promethium.config.tool;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.ConfigSection;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.config.ConfigLoader;
import io.promethium.config.PluginKeys;
import io.promethium.config.model.PrometheusConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * {@code promethium check config FILE...}: validates config files on a flat class path, with the
 * discovery plugins found by ServiceLoader. Exit 0 when all are valid, 1 otherwise.
 */
public final class CheckConfig {

    private CheckConfig() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("usage: promethium check config FILE...");
            return 2;
        }
        Map<String, DiscovererFactory> factories = new HashMap<>();
        for (DiscovererFactory factory : ServiceLoader.load(DiscovererFactory.class, CheckConfig.class.getClassLoader())) {
            factories.put(factory.type(), factory);
        }
        Map<String, ConfigSection> sections = new HashMap<>();
        for (ConfigSection section : ServiceLoader.load(ConfigSection.class, CheckConfig.class.getClassLoader())) {
            sections.put(section.key(), section);
        }
        PluginKeys keys = new PluginKeys() {
            @Override
            public Set<String> sectionKeys() {
                return sections.keySet();
            }

            @Override
            public void validateSection(String key, java.util.List<PluginConfig> entries, SectionContext context) throws ConfigException {
                sections.get(key).validate(entries, context);
            }

            @Override
            public Set<String> discoveryTypes() {
                return factories.keySet();
            }

            @Override
            public void validateDiscovery(String type, PluginConfig config) throws ConfigException {
                factories.get(type).validate(config);
            }
        };
        ConfigLoader loader = new ConfigLoader(keys);
        int status = 0;
        for (String arg : args) {
            out.println("Checking " + arg);
            try {
                PrometheusConfig config = loader.load(Path.of(arg));
                out.println(" SUCCESS: " + arg + " is valid prometheus config file syntax ("
                        + config.scrapeConfigs().size() + " scrape configs, " + config.ruleFiles().size() + " rule file patterns)");
            } catch (ConfigException e) {
                err.println("  FAILED: " + e.getMessage());
                status = 1;
            }
        }
        return status;
    }
}
