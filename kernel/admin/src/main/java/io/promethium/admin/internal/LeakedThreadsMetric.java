package io.promethium.admin.internal;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.launcher.spi.LeakedThread;
import io.promethium.launcher.spi.PluginThreads;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code promethium_plugin_leaked_threads{plugin}}: the threads each stopped plugin (bundle
 * symbolic name) left running that ignored an interrupt, alive now (the launcher finds them).
 * Counted at each scrape; a plugin whose threads all ended has no series.
 */
@Component(service = Collector.class)
public final class LeakedThreadsMetric implements Collector {

    static final String NAME = "promethium_plugin_leaked_threads";

    private final PluginThreads threads;

    @Activate
    public LeakedThreadsMetric(@Reference PluginThreads threads) {
        this.threads = threads;
    }

    @Override
    public void collect(MetricWriter writer) {
        Map<String, Integer> counts = new TreeMap<>();
        for (LeakedThread thread : threads.leaked()) {
            counts.merge(thread.plugin(), 1, Integer::sum);
        }
        writer.family(NAME, MetricType.GAUGE, "Threads a stopped plugin left running that ignored an interrupt, alive now.", "");
        counts.forEach((plugin, count) -> writer.sample(NAME, Labels.of("plugin", plugin), count));
    }
}
