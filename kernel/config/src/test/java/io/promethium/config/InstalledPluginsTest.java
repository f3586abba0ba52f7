package io.promethium.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.promethium.api.config.ConfigException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InstalledPluginsTest {

    @Test
    void findsTheDiscoveryPluginsOnTheClassPathAndRefusesKeysNoneOwns() throws Exception {
        // The test class path holds the file discovery plugin, as a tool's flat class path would.
        InstalledPlugins plugins = InstalledPlugins.find();
        assertEquals("file", plugins.discovererFactories().get("file").type());
        assertTrue(plugins.keys().discoveryTypes().contains("file"));
        ConfigLoader loader = new ConfigLoader(plugins.keys());
        Path file = Path.of("prometheus.yml");
        assertEquals(1, loader.parse(file, "scrape_configs: [{job_name: a, file_sd_configs: [{files: [x.json]}]}]\n")
                .scrapeConfigs().get(0).discoveryConfigs().size());
        ConfigException e = assertThrows(ConfigException.class,
                () -> loader.parse(file, "scrape_configs: [{job_name: a, cmdb_sd_configs: [{}]}]\n"));
        assertTrue(e.getMessage().contains("cmdb_sd_configs"), e.getMessage());
        assertEquals(Set.of(), InstalledPlugins.find(ClassLoader.getPlatformClassLoader()).discovererFactories().keySet());
    }
}
