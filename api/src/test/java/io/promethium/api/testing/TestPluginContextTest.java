package io.promethium.api.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The api's own tests run without the test kit: the default context refuses HTTP settings, naming the kit. */
class TestPluginContextTest {

    @TempDir
    Path dir;

    @Test
    void withoutTheKitHttpSettingsAreRefusedNamingTheKit() {
        TestPluginContext context = new TestPluginContext(dir, "job");
        assertThat(context.httpClients()).isInstanceOf(UnsupportedHttpClientFactory.class);
        PluginConfig block = new PluginConfig("http_config", Map.of("bearer_token", "t"), "prometheus.yml:3:5");
        assertThatThrownBy(() -> context.httpClients().validate(block)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bearer_token").hasMessageContaining("io.promethium:promethium-plugin-testkit");
    }
}
