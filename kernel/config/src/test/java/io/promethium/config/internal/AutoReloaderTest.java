package io.promethium.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.config.ConfigService;
import io.promethium.config.model.PrometheusConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --enable-feature=auto-reload-config} with {@code --config.auto-reload-interval}, as Prometheus. */
class AutoReloaderTest {

    /** Stands for the config component: counts reloads and hands the reloader its checksum, as the component does. */
    private static final class CountingConfig implements ConfigService {
        final AtomicInteger reloads = new AtomicInteger();
        volatile AutoReloader reloader;
        volatile ReloadResult last = new ReloadResult(false, Instant.EPOCH, "not loaded");

        @Override
        public PrometheusConfig current() {
            return null;
        }

        @Override
        public ReloadResult reload() {
            String sum = reloader.checksumNow();
            reloads.incrementAndGet();
            reloader.loaded(sum);
            last = new ReloadResult(true, Instant.now(), "");
            return last;
        }

        @Override
        public ReloadResult lastReload() {
            return last;
        }
    }

    private static void awaitReloads(CountingConfig config, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (config.reloads.get() < n) {
            assertThat(System.nanoTime()).as("reload %d within 15 s", n).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void aChangeToTheConfigOrToARuleFileItNamesReloadsAndNothingElseDoes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("prometheus.yml");
        Files.createDirectories(dir.resolve("rules"));
        Files.writeString(file, "rule_files: ['rules/*.yml']\n");
        Files.writeString(dir.resolve("rules/a.yml"), "groups: []\n");
        Files.writeString(dir.resolve("other.yml"), "x: 1\n");
        CountingConfig config = new CountingConfig();
        config.reloader = new AutoReloader(file, config, Duration.ofSeconds(1));
        try {
            Thread.sleep(1500);
            assertThat(config.reloads).as("nothing before the launcher's first load").hasValue(0);
            config.reload();
            Files.writeString(dir.resolve("other.yml"), "x: 2\n");
            Thread.sleep(2500);
            assertThat(config.reloads).as("an unrelated file changed").hasValue(1);
            Files.writeString(dir.resolve("rules/a.yml"), "groups: [{name: g, rules: []}]\n");
            awaitReloads(config, 2);
            Files.writeString(dir.resolve("rules/b.yml"), "groups: []\n");
            awaitReloads(config, 3);
            Files.writeString(file, "rule_files: ['rules/*.yml']\nglobal: {scrape_interval: 5s}\n");
            awaitReloads(config, 4);
            Thread.sleep(2500);
            assertThat(config.reloads).as("unchanged since").hasValue(4);
        } finally {
            config.reloader.stop();
        }
    }

    @Test
    void anIntervalUnderOneSecondIsRaisedToOneAsInPrometheus(@TempDir Path dir) throws Exception {
        CountingConfig config = new CountingConfig();
        AutoReloader reloader = new AutoReloader(dir.resolve("p.yml"), config, Duration.ofMillis(100));
        try {
            assertThat(reloader.interval()).isEqualTo(Duration.ofSeconds(1));
        } finally {
            reloader.stop();
        }
    }

    @Test
    void theFeatureTurnsItOnAndTheIntervalFlagIsAPrometheusDuration() {
        assertThat(ConfigComponent.autoReload(null)).isFalse();
        assertThat(ConfigComponent.autoReload("concurrent-rule-eval")).isFalse();
        assertThat(ConfigComponent.autoReload("concurrent-rule-eval, auto-reload-config")).isTrue();
        assertThat(ConfigComponent.autoReloadInterval(null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigComponent.autoReloadInterval("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> ConfigComponent.autoReloadInterval("soon"))
                .hasMessageContaining("--config.auto-reload-interval").hasMessageContaining("soon");
    }
}
