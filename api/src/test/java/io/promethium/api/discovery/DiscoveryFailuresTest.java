package io.promethium.api.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.plugin.MetricsRegistrar;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class DiscoveryFailuresTest {

    /** Records what the failures tracker asks of its counter. */
    private static final class RecordingCounter implements MetricsRegistrar.Counter {
        final List<Double> added = new ArrayList<>();

        @Override
        public void inc(String... labelValues) {
            add(1, labelValues);
        }

        @Override
        public void add(double amount, String... labelValues) {
            added.add(amount);
        }

        @Override
        public double value(String... labelValues) {
            return added.stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    @Test
    void theFailuresCounterExistsAtZeroBeforeTheFirstFailureAsPrometheusInstantiatesIt() {
        RecordingCounter counter = new RecordingCounter();
        DiscoveryFailures failures = new DiscoveryFailures("X SD: ", Logger.getLogger("test"), counter);
        assertThat(counter.added).as("touched at 0 by the constructor").containsExactly(0.0);
        failures.failed("refresh", "refresh failed", new java.io.IOException("down"));
        assertThat(counter.value()).isEqualTo(1.0);
    }
}
