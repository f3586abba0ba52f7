package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.testing.TestPluginContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the kit on the class path, a plugin's test context applies http_client_config without being told. */
class TestContextsUseTheKitTest {

    @TempDir
    Path dir;

    @Test
    void aTestPluginContextBuildsClientsWithTheKitsFactory() throws Exception {
        TestPluginContext context = new TestPluginContext(dir, "job");
        assertThat(context.httpClients()).isInstanceOf(HttpConfigClientFactory.class);
        PluginConfig block = new PluginConfig("http_config", Map.of("bearer_token", "t"), "prometheus.yml:3:5");
        context.httpClients().validate(block);
        try (ConfiguredHttpClient client = context.httpClients().create(block, dir)) {
            assertThat(client).isNotNull();
        }
    }
}
