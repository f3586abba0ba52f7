package io.promethium.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.ConfigSection;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.config.plugin.PluginMetricsRegistry;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** Plugin-owned top-level keys ({@code remote_write:}) wait for their plugin and are handed over on an update. */
class ConfigComponentSectionsTest {

    @TempDir
    Path dir;
    private Path file;
    private ConfigComponent component;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("prometheus.yml");
        write("""
                scrape_configs: []
                remote_write:
                  - url: http://127.0.0.1:9/api/v1/write
                """);
        component = new ConfigComponent(bundleContext(file), new PluginMetricsRegistry(), new KernelHttpClientFactory());
    }

    @AfterEach
    void tearDown() {
        component.deactivate();
    }

    @Test
    void remoteWriteWithoutItsPluginWaitsAndStartsWhenThePluginArrives() {
        assertThat(component.reload().success()).as(component.lastReload().error()).isTrue();
        assertThat(component.waitingSections()).containsExactly(Map.entry("remote_write", 1));

        component.bindConfigSection(new Recording("v1"));

        assertThat(calls).containsExactly("v1 validate 1", "v1 apply 1");
        assertThat(component.waitingSections()).isEmpty();
    }

    @Test
    void anUpdatedOwnerTakesOverAfterTheOldOneStopped() {
        Recording v1 = new Recording("v1");
        component.bindConfigSection(v1);
        assertThat(component.reload().success()).isTrue();
        calls.clear();

        Recording v2 = new Recording("v2");
        component.bindConfigSection(v2);
        component.unbindConfigSection(v1);

        assertThat(calls).containsExactly("v1 apply 0", "v2 validate 1", "v2 apply 1");
        assertThat(component.waitingSections()).isEmpty();
    }

    @Test
    void anOwnerThatGoesLeavesItsKeyWaitingAcrossReloads() {
        Recording v1 = new Recording("v1");
        component.bindConfigSection(v1);
        assertThat(component.reload().success()).isTrue();
        component.unbindConfigSection(v1);
        calls.clear();

        assertThat(component.waitingSections()).containsExactly(Map.entry("remote_write", 1));
        assertThat(calls).as("the gone plugin's code is not called").isEmpty();
        assertThat(component.reload().success()).as(component.lastReload().error()).isTrue();
        assertThat(component.waitingSections()).containsExactly(Map.entry("remote_write", 1));
    }

    @Test
    void aKeyDroppedFromTheFileStopsItsOwner() throws Exception {
        Recording v1 = new Recording("v1");
        component.bindConfigSection(v1);
        assertThat(component.reload().success()).isTrue();
        calls.clear();

        write("scrape_configs: []\n");
        assertThat(component.reload().success()).isTrue();

        assertThat(calls).containsExactly("v1 apply 0");
        assertThat(component.waitingSections()).isEmpty();
    }

    @Test
    void anUnknownTopLevelKeyIsStillAnError() throws Exception {
        write("scrape_configs: []\nremote_writes: []\n");
        assertThat(component.reload().success()).isFalse();
        assertThat(component.lastReload().error()).contains("remote_writes");
    }

    @Test
    void aPluginRefusingTheWaitingEntriesLeavesTheRestRunningAndSaysWhy() {
        assertThat(component.reload().success()).isTrue();
        Recording picky = new Recording("picky") {
            @Override
            public void validate(List<PluginConfig> entries, SectionContext context) throws ConfigException {
                throw new ConfigException("remote_write[0]: url: not allowed here");
            }
        };
        component.bindConfigSection(picky);
        assertThat(calls).doesNotContain("picky apply 1");
        assertThat(component.current()).isNotNull();
    }

    private void write(String yaml) throws Exception {
        Files.writeString(file, yaml);
    }

    private class Recording implements ConfigSection {
        private final String name;

        Recording(String name) {
            this.name = name;
        }

        @Override
        public String key() {
            return "remote_write";
        }

        @Override
        public void validate(List<PluginConfig> entries, SectionContext context) throws ConfigException {
            calls.add(name + " validate " + entries.size());
        }

        @Override
        public void apply(List<PluginConfig> entries, SectionContext context) {
            calls.add(name + " apply " + entries.size());
        }
    }

    private static BundleContext bundleContext(Path file) {
        ServiceRegistration<?> registration = (ServiceRegistration<?>) Proxy.newProxyInstance(ConfigComponentSectionsTest.class.getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (p, m, a) -> null);
        return (BundleContext) Proxy.newProxyInstance(ConfigComponentSectionsTest.class.getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> ConfigComponent.CONFIG_FILE_PROPERTY.equals(args[0]) ? file.toString() : null;
                    case "registerService" -> registration;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
    }
}
