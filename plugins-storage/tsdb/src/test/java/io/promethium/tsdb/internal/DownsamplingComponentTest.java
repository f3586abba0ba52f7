package io.promethium.tsdb.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.tsdb.DownsamplingLevel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code downsampling} property as the config bundle publishes {@code storage.tsdb.downsampling}
 * (its {@code StorageSettingsPublisherTest} encodes this same literal), decoded and applied live.
 */
class DownsamplingComponentTest {
    static final String[] PUBLISHED = {"5m,1d16h,12w6d", "1h,1w3d,0s"};

    @TempDir
    Path dir;

    @Test
    void decodesLevelsInOrder() throws ConfigException {
        assertThat(ComponentConfig.downsampling(Map.of("downsampling", PUBLISHED))).containsExactly(
                new DownsamplingLevel(Duration.ofMinutes(5), Duration.ofHours(40), Duration.ofDays(90)),
                new DownsamplingLevel(Duration.ofHours(1), Duration.ofDays(10), Duration.ZERO));
        assertThat(ComponentConfig.downsampling(Map.of())).isEmpty();
    }

    @Test
    void malformedLevelsAreConfigErrorsNamingTheKey() {
        for (String bad : List.of("5m,40h", "5x,1h,0s", "0s,1h,0s", "5m,-1h,0s")) {
            assertThatThrownBy(() -> ComponentConfig.downsampling(Map.of("downsampling", new String[] {bad})))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageStartingWith("storage.tsdb.downsampling.resolutions[0]: ");
        }
    }

    @Test
    void levelsApplyAtActivationAndOnReload() throws ConfigException {
        TsdbComponent component = new TsdbComponent();
        component.activate(Map.of("path", dir.toString(), "downsampling", PUBLISHED));
        try {
            var db = component.tsdb();
            assertThat(db.downsampling()).hasSize(2);
            component.modified(Map.of("path", dir.toString()));
            assertThat(component.tsdb()).isSameAs(db);
            assertThat(db.downsampling()).isEmpty();
            assertThatThrownBy(() -> component.modified(Map.of("path", dir.toString(), "downsampling", new String[] {"1h,0s,0s", "5m,0s,0s"})))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("storage.tsdb.downsampling");
        } finally {
            component.deactivate();
        }
    }
}
