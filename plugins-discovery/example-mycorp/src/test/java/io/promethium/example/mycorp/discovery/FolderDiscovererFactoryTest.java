package io.promethium.example.mycorp.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.DiscovererFactory;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class FolderDiscovererFactoryTest {

    private final FolderDiscovererFactory factory = new FolderDiscovererFactory();

    private static PluginConfig block(Map<String, Object> values) {
        return new PluginConfig(FolderDiscovererFactory.TYPE + "_sd_configs", values, "prometheus.yml:3:7");
    }

    @Test
    void refusesAnUnknownFieldNamingIt() {
        assertThatThrownBy(() -> factory.validate(block(Map.of("directory", "t", "refresh", "1m"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("refresh");
    }

    @Test
    void requiresTheDirectory() {
        assertThatThrownBy(() -> factory.validate(block(Map.of("refresh_interval", "1m"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("directory");
    }

    @Test
    void refusesAnIntervalThatIsNotADuration() {
        assertThatThrownBy(() -> factory.validate(block(Map.of("directory", "t", "refresh_interval", "often"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("refresh_interval");
    }

    @Test
    void acceptsAValidBlock() throws Exception {
        factory.validate(block(Map.of("directory", "t", "refresh_interval", "1m")));
    }

    @Test
    void isListedForServiceLoader() {
        assertThat(ServiceLoader.load(DiscovererFactory.class).stream().map(p -> p.type().getName()))
                .contains(FolderDiscovererFactory.class.getName());
    }
}
