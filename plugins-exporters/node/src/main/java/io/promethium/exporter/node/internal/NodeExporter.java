package io.promethium.exporter.node.internal;

import io.promethium.api.collect.Exporter;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The host's metrics with node_exporter's names: runs every enabled collector, each into its own
 * buffer, and adds {@code node_scrape_collector_duration_seconds} and
 * {@code node_scrape_collector_success}. A collector that fails (missing or malformed file)
 * contributes only its {@code success 0}; the others carry on. Scrapes are serialised, since
 * the collectors reuse their buffers.
 */
public final class NodeExporter implements Exporter {

    private static final Logger LOG = Logger.getLogger(NodeExporter.class.getName());

    private final NodeCollector[] collectors;
    private final FamilyBuffer[] buffers;
    private final Labels[] labels;
    private final double[] seconds;
    private final boolean[] success;
    private final String[] lastError;

    public NodeExporter(NodeSettings settings) {
        this(Collectors.enabled(Objects.requireNonNull(settings, "settings is null")));
    }

    NodeExporter(List<NodeCollector> enabled) {
        collectors = enabled.toArray(new NodeCollector[0]);
        int n = collectors.length;
        buffers = new FamilyBuffer[n];
        labels = new Labels[n];
        seconds = new double[n];
        success = new boolean[n];
        lastError = new String[n];
        for (int i = 0; i < n; i++) {
            buffers[i] = new FamilyBuffer();
            labels[i] = Labels.of("collector", collectors[i].name());
        }
    }

    @Override
    public String name() {
        return "node";
    }

    /** The names of the collectors that run, in order. */
    public List<String> collectorNames() {
        List<String> names = new ArrayList<>();
        for (NodeCollector c : collectors) {
            names.add(c.name());
        }
        return names;
    }

    @Override
    public synchronized void collect(MetricWriter out) {
        for (int i = 0; i < collectors.length; i++) {
            FamilyBuffer buffer = buffers[i];
            buffer.clear();
            long start = System.nanoTime();
            String error = null;
            try {
                collectors[i].collect(buffer);
            } catch (NoDataException e) {
                error = "";
                if (lastError[i] == null && LOG.isLoggable(Level.FINE)) {
                    LOG.fine("collector " + collectors[i].name() + " has no data: " + e.getMessage());
                }
            } catch (Exception e) {
                error = String.valueOf(e.getMessage());
                if (!error.equals(lastError[i])) {
                    // Logged once per distinct error, not on every scrape; a stack only for a bug.
                    String message = "collector " + collectors[i].name() + " failed: " + error;
                    if (e instanceof java.io.IOException) {
                        LOG.warning(message);
                    } else {
                        LOG.log(Level.WARNING, message, e);
                    }
                }
            }
            seconds[i] = (System.nanoTime() - start) / 1e9;
            success[i] = error == null;
            lastError[i] = error;
            if (error == null) {
                buffer.replay(out);
            }
        }
        out.family("node_scrape_collector_duration_seconds", MetricType.GAUGE,
                "node_exporter: Duration of a collector scrape.", "");
        for (int i = 0; i < collectors.length; i++) {
            out.sample("node_scrape_collector_duration_seconds", labels[i], seconds[i]);
        }
        out.family("node_scrape_collector_success", MetricType.GAUGE, "node_exporter: Whether a collector succeeded.", "");
        for (int i = 0; i < collectors.length; i++) {
            out.sample("node_scrape_collector_success", labels[i], success[i] ? 1 : 0);
        }
    }
}
