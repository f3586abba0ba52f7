package io.promethium.api.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness merges by source, hands the block over as the kernel does, waits and fails as it says, and closes once. */
class DiscoveryHarnessTest {

    @TempDir
    Path dir;

    /** A discoverer the test drives: what it was built from, how often closed, and its sink. */
    private static final class Driven implements Discoverer {
        final AtomicReference<Consumer<List<TargetGroup>>> sink = new AtomicReference<>();
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void start(Consumer<List<TargetGroup>> updates) {
            sink.set(updates);
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }

        void send(TargetGroup... groups) {
            sink.get().accept(List.of(groups));
        }
    }

    private static TargetGroup group(String source, String... addresses) {
        return new TargetGroup(source, java.util.Arrays.stream(addresses).map(a -> Labels.of("__address__", a)).toList(), Labels.EMPTY);
    }

    @Test
    void buildsTheDiscovererFromTheBlockUnderItsTypesKeyAtAKnownLocation() throws Exception {
        AtomicReference<PluginConfig> seen = new AtomicReference<>();
        Driven driven = new Driven();
        DiscovererFactory factory = new DiscovererFactory() {
            @Override
            public String type() {
                return "mycorp";
            }

            @Override
            public void validate(PluginConfig config) {
            }

            @Override
            public Discoverer create(PluginConfig config, io.promethium.api.discovery.DiscoveryContext context) throws ConfigException {
                seen.set(config);
                return driven;
            }
        };
        try (DiscoveryHarness harness = new DiscoveryHarness(dir, "job", new UnsupportedHttpClientFactory())) {
            harness.start(factory, Map.of("server", "x"));
            assertThat(seen.get().key()).isEqualTo("mycorp_sd_configs");
            assertThat(seen.get().location()).isEqualTo(DiscoveryHarness.LOCATION);
            assertThat(seen.get().values()).isEqualTo(Map.of("server", "x"));
            assertThat(driven.sink.get()).as("started").isNotNull();
        }
    }

    @Test
    void mergesUpdatesBySourceAndRemembersTheLastGroup() throws Exception {
        Driven driven = new Driven();
        try (DiscoveryHarness harness = new DiscoveryHarness(dir, "job", new UnsupportedHttpClientFactory())) {
            harness.start(driven);
            driven.send(group("a", "1:80"), group("b", "2:80"));
            driven.send(group("a"));
            harness.await(groups -> groups.size() == 2 && groups.get("a").targets().isEmpty());
            assertThat(harness.groups().get("b").targets()).hasSize(1);
            assertThat(harness.sourcesThatHadTargets()).containsExactly("a", "b");
            assertThat(harness.last().source()).isEqualTo("a");
            assertThat(harness.noUpdates()).isTrue();
            driven.send(group("c", "3:80"));
            assertThat(harness.awaitQuiet(Duration.ofMillis(100))).containsKeys("a", "b", "c");
        }
    }

    @Test
    void aWaitThatIsNotMetFailsNamingWhatItHas() throws Exception {
        Driven driven = new Driven();
        try (DiscoveryHarness harness = new DiscoveryHarness(new TestPluginContext(dir, "job"), Duration.ofMillis(200))) {
            harness.start(driven);
            driven.send(group("a", "1:80"));
            assertThatThrownBy(() -> harness.awaitSource("b", g -> true)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("a group for b").hasMessageContaining("1:80");
            assertThatThrownBy(() -> harness.awaitWarning("down")).isInstanceOf(AssertionError.class).hasMessageContaining("down");
            harness.context().logger().warning("Mycorp SD: peer down");
            assertThat(harness.awaitWarning("peer", "down")).isEqualTo("Mycorp SD: peer down");
        }
    }

    @Test
    void closesTheDiscovererOnceAndAllowsAnotherAfterwards() {
        Driven first = new Driven();
        Driven second = new Driven();
        DiscoveryHarness harness = new DiscoveryHarness(dir, "job", new UnsupportedHttpClientFactory());
        harness.start(first);
        assertThatThrownBy(() -> harness.start(second)).isInstanceOf(IllegalStateException.class);
        harness.closeDiscoverer();
        harness.start(second);
        harness.close();
        harness.close();
        assertThat(first.closes).hasValue(1);
        assertThat(second.closes).hasValue(1);
    }
}
