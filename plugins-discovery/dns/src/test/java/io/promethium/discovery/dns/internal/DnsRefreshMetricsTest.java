package io.promethium.discovery.dns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.testing.TestMetricsRegistrar;
import io.promethium.api.testing.TestPluginContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus's DNS SD is a {@code discovery/refresh} discoverer: it reports
 * {@code prometheus_sd_refresh_failures_total}, {@code prometheus_sd_refresh_duration_seconds}
 * ({@code mechanism="dns"}, {@code config} the job) and the duration histogram, on
 * {@code /metrics} as soon as the discoverer is built (Debian's 2.42 shows
 * {@code prometheus_sd_refresh_failures_total{mechanism="dns"} 0} for a {@code dns_sd_configs} job).
 * No lookup happens here: the discoverer is built, not started.
 */
class DnsRefreshMetricsTest {

    @TempDir
    Path dir;

    @Test
    void theRefreshMetricsExistAtZeroOnceTheDiscovererIsBuilt() throws Exception {
        Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
        TestPluginContext context = new TestPluginContext(dir, "dns-job");
        Discoverer built = new DnsDiscovererFactory(dir.resolve("resolv.conf")).create(new PluginConfig("dns_sd_configs",
                Map.of("names", List.of("node.example.test"), "type", "A", "port", 80), "prometheus.yml:3:7"), context);
        try {
            TestMetricsRegistrar metrics = context.metrics();
            assertThat(metrics.exists("prometheus_sd_refresh_failures_total", "dns", "dns-job")).isTrue();
            assertThat(metrics.value("prometheus_sd_refresh_failures_total", "dns", "dns-job")).isZero();
            assertThat(metrics.exists("prometheus_sd_refresh_duration_seconds", "dns", "dns-job")).isTrue();
            assertThat(metrics.count("prometheus_sd_refresh_duration_seconds", "dns", "dns-job")).isZero();
            assertThat(metrics.exists("prometheus_sd_refresh_duration_histogram_seconds", "dns")).isTrue();
        } finally {
            built.close();
        }
    }
}
