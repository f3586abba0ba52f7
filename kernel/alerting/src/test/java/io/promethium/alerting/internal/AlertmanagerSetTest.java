package io.promethium.alerting.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void proxyUrlMustBeAnHttpUrl() throws ConfigException {
        assertThat(AlertmanagerSet.proxy("http://127.0.0.1:3128")).isNotNull();
        assertThatThrownBy(() -> AlertmanagerSet.proxy("socks5://h:1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("proxy_url must be http://host:port");
        assertThatThrownBy(() -> AlertmanagerSet.proxy("http://bad host")).isInstanceOf(ConfigException.class);
    }
}
