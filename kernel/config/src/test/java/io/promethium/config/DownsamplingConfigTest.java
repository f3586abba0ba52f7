package io.promethium.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.StorageConfig.DownsamplingResolution;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownsamplingConfigTest {

    private static PrometheusConfig parse(String yaml) throws ConfigException {
        return new ConfigLoader(new PluginKeys() {
            @Override
            public java.util.Set<String> discoveryTypes() {
                return java.util.Set.of();
            }

            @Override
            public void validateDiscovery(String type, io.promethium.api.config.PluginConfig config) {
            }
        }).parse(Path.of("prometheus.yml"), yaml);
    }

    @Test
    void resolutionsKeepTheirOrderAgeAndRetention() throws ConfigException {
        List<DownsamplingResolution> levels = parse("""
                storage:
                  tsdb:
                    downsampling:
                      resolutions:
                        - {resolution: 5m, after: 40h, retention: 90d}
                        - {resolution: 1h, after: 10d}
                """).storage().downsampling();
        assertThat(levels).containsExactly(
                new DownsamplingResolution(Duration.ofMinutes(5), Duration.ofHours(40), Duration.ofDays(90)),
                new DownsamplingResolution(Duration.ofHours(1), Duration.ofDays(10), Duration.ZERO));
    }

    @Test
    void offByDefault() throws ConfigException {
        assertThat(parse("global: {}\n").storage().downsampling()).isEmpty();
        assertThat(parse("storage: {tsdb: {out_of_order_time_window: 1h}}\n").storage().downsampling()).isEmpty();
    }

    @Test
    void aResolutionNotAMultipleOfTheOneBeforeIsAnErrorAtItsLine() {
        assertThatThrownBy(() -> parse("""
                storage:
                  tsdb:
                    downsampling:
                      resolutions:
                        - {resolution: 5m, after: 40h}
                        - resolution: 7m
                          after: 10d
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("prometheus.yml:6:")
                .hasMessageContaining("storage.tsdb.downsampling.resolutions[1]: resolution 7m must be larger than and a multiple of the one before (5m)");
    }

    @Test
    void decreasingAgeIsRefused() {
        assertThatThrownBy(() -> parse("""
                storage:
                  tsdb:
                    downsampling:
                      resolutions:
                        - {resolution: 5m, after: 40h}
                        - {resolution: 1h, after: 1h}
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("prometheus.yml:6:")
                .hasMessageContaining("resolutions[1]: after 1h must not be below the one before (1d16h)");
    }

    @Test
    void missingAfterUnknownKeyAndBadDurationAreErrors() {
        assertThatThrownBy(() -> parse("""
                storage:
                  tsdb:
                    downsampling:
                      resolutions:
                        - {resolution: 5m}
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("prometheus.yml:5:")
                .hasMessageContaining("resolutions[0]: after is required");
        assertThatThrownBy(() -> parse("""
                storage:
                  tsdb:
                    downsampling:
                      resolutions:
                        - {resolution: 5m, after: 2h, keep: 1d}
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("prometheus.yml:5:")
                .hasMessageContaining("keep");
        assertThatThrownBy(() -> parse("""
                storage:
                  tsdb:
                    downsampling:
                      resolutions:
                        - {resolution: 5x, after: 2h}
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("prometheus.yml:5:")
                .hasMessageContaining("resolutions[0]: resolution");
        assertThatThrownBy(() -> parse("""
                storage:
                  tsdb:
                    downsampling:
                      resolution: 5m
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("prometheus.yml:4:")
                .hasMessageContaining("resolution");
    }
}
