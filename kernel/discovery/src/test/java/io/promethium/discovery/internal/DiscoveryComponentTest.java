package io.promethium.discovery.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.discovery.DiscoveryManager;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DiscoveryComponentTest {

    @Test
    void thePluginGraceIsFifteenSecondsUnlessTheHiddenFlagSaysOtherwiseAndABadValueNamesTheFlag() {
        assertThat(DiscoveryComponent.grace(null)).isEqualTo(DiscoveryManager.DEFAULT_GRACE).isEqualTo(Duration.ofSeconds(15));
        assertThat(DiscoveryComponent.grace("")).isEqualTo(DiscoveryManager.DEFAULT_GRACE);
        assertThat(DiscoveryComponent.grace("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> DiscoveryComponent.grace("soon")).hasMessageContaining("--discovery.fault.plugin-grace");
    }
}
