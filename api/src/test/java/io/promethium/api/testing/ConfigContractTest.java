package io.promethium.api.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigContractTest {

    private static final String KEY = "x_sd_configs";

    private static Map<String, Object> block() {
        Map<String, Object> tls = new LinkedHashMap<>();
        tls.put("ca_file", "ca.pem");
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("name", "a");
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("server", "http://127.0.0.1:1");
        block.put("refresh_interval", "30s");
        block.put("tls_config", tls);
        block.put("items", List.of(item));
        return block;
    }

    /** Validates as a plugin using PluginConfig's accessors and nested blocks does. */
    private static void good(PluginConfig c) throws ConfigException {
        c.requireOnly(Set.of("server", "refresh_interval", "tls_config", "items"));
        c.duration("refresh_interval", null);
        PluginConfig tls = c.block("tls_config");
        tls.requireOnly(Set.of("ca_file"));
        tls.string("ca_file", null);
        for (PluginConfig item : c.blocks("items")) {
            item.requireOnly(Set.of("name"));
            item.integer("name", 0);
        }
    }

    @Test
    void locatesEveryEntryOnALineOfItsOwn() {
        PluginConfig c = ConfigContract.located(KEY, block());
        assertThat(c.locations()).containsKeys("server", "tls_config", "tls_config.ca_file", "items", "items[0]", "items[0].name");
        assertThat(Set.copyOf(c.locations().values())).hasSize(c.locations().size()).doesNotContain(c.location());
    }

    @Test
    void errorsMadeByPluginConfigPassAtEveryDepth() {
        ConfigContract.refusesBadValue(KEY, block(), new BadValue("refresh_interval", "soon"), ConfigContractTest::good);
        ConfigContract.refusesBadValue(KEY, block(), new BadValue("tls_config.ca_file", List.of(1)), ConfigContractTest::good);
        ConfigContract.refusesBadValue(KEY, block(), new BadValue("items[0].name", "not a number"), ConfigContractTest::good);
        ConfigContract.refusesUnknownKey(KEY, block(), ConfigContractTest::good);
    }

    @Test
    void anErrorWithoutFieldOrAtTheBlockFails() {
        BadValue bad = new BadValue("refresh_interval", "soon");
        assertThatThrownBy(() -> ConfigContract.refusesBadValue(KEY, block(), bad, c -> {
            throw new ConfigException(c.locationOf("refresh_interval") + ": refresh_interval: bad");
        })).isInstanceOf(AssertionError.class).hasMessageContaining("field()");
        assertThatThrownBy(() -> ConfigContract.refusesBadValue(KEY, block(), bad, c -> {
            throw c.error("refresh_interval: bad");
        })).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> ConfigContract.refusesBadValue(KEY, block(), bad, c -> {
        })).isInstanceOf(AssertionError.class).hasMessageContaining("refuses");
        assertThatThrownBy(() -> ConfigContract.refusesUnknownKey(KEY, block(), c -> {
        })).isInstanceOf(AssertionError.class).hasMessageContaining(ConfigContract.UNKNOWN_KEY);
    }

    @Test
    void aBadValueLeavesTheTestsBlockAsItWas() {
        Map<String, Object> block = block();
        Map<String, Object> changed = new BadValue("tls_config.ca_file", 3).applyTo(block);
        assertThat(block).isEqualTo(block());
        assertThat(((Map<?, ?>) changed.get("tls_config")).get("ca_file")).isEqualTo(3);
        assertThatThrownBy(() -> new BadValue("items[3].name", 1).applyTo(block)).isInstanceOf(IllegalArgumentException.class);
    }
}
