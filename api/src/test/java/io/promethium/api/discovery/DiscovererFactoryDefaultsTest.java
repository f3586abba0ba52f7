package io.promethium.api.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.testing.TestPluginContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A factory written before {@code validate(config, context)} existed keeps working through the default. */
class DiscovererFactoryDefaultsTest {

    /** Implements only the one-argument {@code validate}, as plugins of discovery 1.0 did. */
    private static final class OldFactory implements DiscovererFactory {
        final List<PluginConfig> seen = new ArrayList<>();

        @Override
        public String type() {
            return "old";
        }

        @Override
        public void validate(PluginConfig config) throws ConfigException {
            seen.add(config);
            config.requireOnly(java.util.Set.of("host"));
        }

        @Override
        public Discoverer create(PluginConfig config, DiscoveryContext context) {
            throw new UnsupportedOperationException("not used by this test");
        }
    }

    private final TestPluginContext context = new TestPluginContext(Path.of("."), "job");

    @Test
    void theContextualValidateHandsTheSameBlockToTheOneArgumentValidate() throws Exception {
        OldFactory factory = new OldFactory();
        PluginConfig block = new PluginConfig("old_sd_configs", Map.of("host", "a"), "p.yml:3:5");
        factory.validate(block, context);
        assertThat(factory.seen).containsExactly(block);
    }

    @Test
    void theContextualValidatePassesOnTheFieldAndLocationOfTheError() {
        OldFactory factory = new OldFactory();
        PluginConfig block = new PluginConfig("old_sd_configs", Map.of("hots", "a"), "p.yml:3:5", Map.of("hots", "p.yml:4:7"));
        assertThatThrownBy(() -> factory.validate(block, context)).isInstanceOfSatisfying(ConfigException.class, e -> {
            assertThat(e.getMessage()).startsWith("p.yml:4:7: ").contains("hots");
            assertThat(e.field()).isEqualTo("old_sd_configs.hots");
            assertThat(e.location()).isEqualTo("p.yml:4:7");
        });
    }
}
