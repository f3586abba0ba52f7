package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExternalUrlTest {

    @Test
    void externalUrlComesFromTheFlagWithoutTrailingSlashElseFromTheListenPort() {
        assertThat(ExternalUrl.resolve("https://prom.example/sub/", null)).isEqualTo("https://prom.example/sub");
        assertThat(ExternalUrl.resolve("", "0.0.0.0:9191")).startsWith("http://").endsWith(":9191");
        assertThat(ExternalUrl.resolve(null, null)).endsWith(":9090");
    }

    @Test
    void withSeveralListenAddressesTheFirstGivesThePortAsInPrometheus() {
        assertThat(ExternalUrl.resolve("", "127.0.0.1:9191,[::1]:9292")).endsWith(":9191");
    }
}
