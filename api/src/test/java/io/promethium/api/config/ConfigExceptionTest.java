package io.promethium.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigExceptionTest {

    private static final PluginConfig BLOCK = new PluginConfig("mycorp_sd_configs",
            Map.of("port", "x", "tls_config", Map.of("ca_file", java.util.List.of(3))), "prometheus.yml:10:7",
            Map.of("port", "prometheus.yml:11:13", "tls_config.ca_file", "prometheus.yml:13:18"));

    @Test
    void anErrorAboutAFieldCarriesTheFieldPathAndWhereItIsWritten() {
        ConfigException e = BLOCK.error("port", "port: expected an integer");
        assertThat(e.getMessage()).isEqualTo("prometheus.yml:11:13: port: expected an integer");
        assertThat(e.field()).isEqualTo("mycorp_sd_configs.port");
        assertThat(e.location()).isEqualTo("prometheus.yml:11:13");
    }

    @Test
    void anErrorInANestedBlockNamesTheDottedPathFromTheOwnedKey() {
        assertThatThrownBy(() -> BLOCK.block("tls_config").requiredString("ca_file"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.field()).isEqualTo("mycorp_sd_configs.tls_config.ca_file");
                    assertThat(e.location()).isEqualTo("prometheus.yml:13:18");
                    assertThat(e.getMessage()).startsWith("prometheus.yml:13:18: ");
                });
    }

    @Test
    void anUnknownFieldIsRefusedWithItsPathAndLocation() {
        PluginConfig block = new PluginConfig("webhook_configs", Map.of("urll", "x"), "alertmanager.yml:4:5",
                Map.of("urll", "alertmanager.yml:4:7"));
        assertThatThrownBy(() -> block.requireOnly(java.util.Set.of("url")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.getMessage()).contains("urll").startsWith("alertmanager.yml:4:7: ");
                    assertThat(e.location()).isEqualTo("alertmanager.yml:4:7");
                    assertThat(e.field()).isEqualTo("webhook_configs.urll");
                });
    }

    @Test
    void anErrorAboutTheBlockNamesTheBlock() {
        ConfigException e = BLOCK.error("either a or b");
        assertThat(e.field()).isEqualTo("mycorp_sd_configs");
        assertThat(e.location()).isEqualTo("prometheus.yml:10:7");
    }

    @Test
    void anErrorWrittenByHandHasNeitherFieldNorLocationAndAReWordingKeepsThem() {
        ConfigException plain = new ConfigException("bad");
        assertThat(plain.field()).isEmpty();
        assertThat(plain.location()).isEmpty();
        ConfigException original = BLOCK.error("port", "port: expected an integer");
        ConfigException reworded = new ConfigException("job \"a\": " + original.getMessage(), original.location(),
                original.field(), original);
        assertThat(reworded.field()).isEqualTo("mycorp_sd_configs.port");
        assertThat(reworded.location()).isEqualTo("prometheus.yml:11:13");
        assertThat(reworded.getCause()).isSameAs(original);
    }
}
