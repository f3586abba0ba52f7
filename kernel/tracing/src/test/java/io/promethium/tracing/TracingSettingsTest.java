package io.promethium.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.config.http.KernelHttpClientFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingSettingsTest {

    private static TracingSettings parse(Map<String, Object> values, TracingSettings.Headers dialect) throws ConfigException {
        Map<String, String> locations = new LinkedHashMap<>();
        int line = 2;
        for (String key : values.keySet()) {
            locations.put(key, "am.yml:" + line++ + ":3");
        }
        locations.put("headers.X-Token.files", "am.yml:9:7");
        return TracingSettings.parse(new PluginConfig("tracing", values, "am.yml:1:1", locations), dialect, new KernelHttpClientFactory());
    }

    @Test
    void theDefaultsAreTheGoProgramsOnes() throws Exception {
        TracingSettings s = parse(Map.of("endpoint", "collector:4317"), TracingSettings.Headers.PLAIN);
        assertThat(s.clientType()).isEqualTo("grpc");
        assertThat(s.samplingFraction()).isZero();
        assertThat(s.url()).isEqualTo("https://collector:4317");
        assertThat(s.timeout()).isNull();
        TracingSettings http = parse(Map.of("endpoint", "[::1]:4318", "client_type", "http", "insecure", true, "timeout", "3s",
                "sampling_fraction", 0.25), TracingSettings.Headers.PLAIN);
        assertThat(http.url()).isEqualTo("http://[::1]:4318/v1/traces");
        assertThat(http.host()).isEqualTo("::1");
        assertThat(http.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(http.samplingFraction()).isEqualTo(0.25);
    }

    @Test
    void anEmptySectionIsNoTracing() throws Exception {
        assertThat(parse(Map.of(), TracingSettings.Headers.PLAIN)).isNull();
        assertThat(TracingSettings.parse(null, TracingSettings.Headers.COMMON, new KernelHttpClientFactory())).isNull();
    }

    @Test
    void alertmanagerHeadersSendTheFirstValueOrSecretAndRefuseFilesAtTheirLocation() throws Exception {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("X-Scope-OrgID", Map.of("values", List.of("a", "b")));
        headers.put("X-Key", Map.of("secrets", List.of("s3cr3t")));
        TracingSettings s = parse(Map.of("endpoint", "c:4317", "headers", headers), TracingSettings.Headers.COMMON);
        assertThat(s.headers()).containsExactlyInAnyOrderEntriesOf(Map.of("X-Scope-OrgID", "a", "X-Key", "s3cr3t"));
        Map<String, Object> files = Map.of("X-Token", Map.of("files", List.of("token.txt")));
        assertThatThrownBy(() -> parse(Map.of("endpoint", "c:4317", "headers", files), TracingSettings.Headers.COMMON))
                .hasMessage("am.yml:9:7: header files are not supported for tracing configuration");
    }

    @Test
    void badFieldsAreRefusedAtTheirLocationWithTheGoMessages() {
        Map<String, Object> unknown = new LinkedHashMap<>();
        unknown.put("endpoint", "c:4317");
        unknown.put("sampling", 1);
        assertThatThrownBy(() -> parse(unknown, TracingSettings.Headers.COMMON))
                .hasMessage("am.yml:3:3: field sampling not found in type tracing.TracingConfig");
        assertThatThrownBy(() -> parse(Map.of("client_type", "grpc"), TracingSettings.Headers.COMMON))
                .hasMessage("am.yml:1:1: tracing endpoint must be set");
        Map<String, Object> compression = new LinkedHashMap<>();
        compression.put("endpoint", "c:4317");
        compression.put("compression", "zstd");
        assertThatThrownBy(() -> parse(compression, TracingSettings.Headers.COMMON))
                .hasMessage("am.yml:3:3: invalid compression type zstd provided, valid options: gzip");
        Map<String, Object> type = new LinkedHashMap<>();
        type.put("client_type", "udp");
        assertThatThrownBy(() -> parse(type, TracingSettings.Headers.COMMON))
                .hasMessage("am.yml:2:3: expected tracing client type to be to be grpc or http, but got udp");
    }

    @Test
    void skippingCertificateChecksIsRefusedRatherThanIgnored() {
        assertThatThrownBy(() -> parse(Map.of("endpoint", "c:4317", "tls_config", Map.of("insecure_skip_verify", true)),
                TracingSettings.Headers.PLAIN))
                .isInstanceOf(ConfigException.class).hasMessageContaining("insecure_skip_verify is not supported for tracing");
    }
}
