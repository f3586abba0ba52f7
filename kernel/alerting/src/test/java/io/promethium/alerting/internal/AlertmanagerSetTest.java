package io.promethium.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.config.ConfigException;
import org.junit.jupiter.api.Test;

class AlertmanagerSetTest {

    @Test
    void pathPrefixJoinsWithOrWithoutSlashes() {
        assertThat(AlertmanagerSet.joinPath("", "/api/v2/alerts")).isEqualTo("/api/v2/alerts");
        assertThat(AlertmanagerSet.joinPath("am/", "/api/v2/alerts")).isEqualTo("/am/api/v2/alerts");
        assertThat(AlertmanagerSet.joinPath("/a/b//", "/api/v2/alerts")).isEqualTo("/a/b/api/v2/alerts");
    }

    @Test
    void aDiscoveredAlertmanagerWhoseAddressIsAUrlIsNotUsed() throws ConfigException {
        io.promethium.config.model.AlertmanagerConfig config = new io.promethium.config.model.AlertmanagerConfig("v2", "", "http",
                java.time.Duration.ofSeconds(10), io.promethium.config.model.HttpClientConfig.DEFAULT, java.util.List.of(),
                java.util.List.of(), java.util.List.of(), java.util.List.of());
        AlertmanagerSet set = new AlertmanagerSet("am", config, null);
        set.replaceDiscovered(java.util.List.of(new io.promethium.api.discovery.TargetGroup("f.yml:0", java.util.List.of(
                io.promethium.api.model.Labels.of("__address__", "http://am1:9093"),
                io.promethium.api.model.Labels.of("__address__", "am2:9093")), io.promethium.api.model.Labels.EMPTY)));
        assertThat(set.active()).extracting(java.net.URI::toString).containsExactly("http://am2:9093/api/v2/alerts");
    }
}
