package io.promethium.admin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.launcher.spi.LeakedThread;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeakedThreadsMetricTest {

    @Test
    void countsTheLiveLeakedThreadsPerPluginAtEachScrape() {
        List<LeakedThread> now = new ArrayList<>(List.of(
                new LeakedThread("b.plugin", "2.0.0", 7, "b-1", "", Instant.EPOCH),
                new LeakedThread("a.plugin", "1.0.0", 5, "a-1", "", Instant.EPOCH),
                new LeakedThread("b.plugin", "1.0.0", 3, "b-2", "", Instant.EPOCH)));
        LeakedThreadsMetric metric = new LeakedThreadsMetric(() -> List.copyOf(now));
        assertThat(scrape(metric)).containsExactly("family promethium_plugin_leaked_threads gauge",
                "promethium_plugin_leaked_threads{plugin=\"a.plugin\"} 1.0", "promethium_plugin_leaked_threads{plugin=\"b.plugin\"} 2.0");

        now.clear();
        assertThat(scrape(metric)).as("threads that ended are not counted").containsExactly("family promethium_plugin_leaked_threads gauge");
    }

    private static List<String> scrape(LeakedThreadsMetric metric) {
        List<String> lines = new ArrayList<>();
        metric.collect(new MetricWriter() {
            @Override
            public void family(String name, MetricType type, String help, String unit) {
                lines.add("family " + name + " " + type.text());
            }

            @Override
            public void sample(String name, Labels labels, double value) {
                lines.add(name + labels + " " + value);
            }
        });
        return lines;
    }
}
