package io.promethium.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.config.PluginConfig;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.ScrapeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code scrape_config_files}: found relative to the main file, their scrape configs' paths relative to their own file. */
class ScrapeConfigFilesTest {

    private static final PluginKeys FILE_SD = new PluginKeys() {
        @Override
        public Set<String> discoveryTypes() {
            return Set.of("file");
        }

        @Override
        public void validateDiscovery(String type, PluginConfig config) {
        }
    };

    @TempDir
    Path dir;

    @Test
    void aScrapeConfigReadFromAScrapeConfigFileResolvesAgainstThatFilesFolderAsPrometheusSetDirectory() throws Exception {
        Files.createDirectories(dir.resolve("scrape.d"));
        Files.writeString(dir.resolve("scrape.d/nodes.yml"), """
                scrape_configs:
                  - job_name: nodes
                    file_sd_configs:
                      - files: [targets/*.json]
                """);
        Files.writeString(dir.resolve("prometheus.yml"), """
                scrape_config_files: [scrape.d/*.yml]
                scrape_configs:
                  - job_name: main
                """);
        PrometheusConfig config = new ConfigLoader(FILE_SD).load(dir.resolve("prometheus.yml"));
        Map<String, ScrapeConfig> jobs = config.scrapeConfigs().stream().collect(Collectors.toMap(ScrapeConfig::jobName, s -> s));
        assertThat(jobs.get("main").directory()).as("the main file's: none of its own").isNull();
        assertThat(jobs.get("main").directoryOr(dir)).isEqualTo(dir);
        assertThat(jobs.get("nodes").directory()).isEqualTo(dir.resolve("scrape.d").toAbsolutePath());
        assertThat(jobs.get("nodes").directoryOr(dir)).isEqualTo(dir.resolve("scrape.d").toAbsolutePath());
    }
}
