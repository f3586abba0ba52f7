package io.promethium.config.lifecycle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The trackers of the server, as {@link PluginStates}. A tracker whose {@code MetricsRegistrar}
 * carries {@link io.promethium.config.plugin.RegistrarAttachments} (the kernel's) finds the one
 * registry of the server there, adds itself at construction and goes at close. Thread-safe.
 */
public final class PluginStatesRegistry implements PluginStates {

    /** The server's registry, kept with its metrics registrar; null for a registrar without attachments. */
    public static PluginStatesRegistry of(Object registrar) {
        return registrar instanceof io.promethium.config.plugin.RegistrarAttachments a
                ? a.attachment(PluginStatesRegistry.class, PluginStatesRegistry::new) : null;
    }

    private final List<PluginTracker<?>> trackers = new CopyOnWriteArrayList<>();

    void add(PluginTracker<?> tracker) {
        trackers.add(tracker);
    }

    void remove(PluginTracker<?> tracker) {
        trackers.remove(tracker);
    }

    @Override
    public List<Waiting> waiting() {
        List<Waiting> result = new ArrayList<>();
        for (PluginTracker<?> tracker : trackers) {
            for (Map.Entry<String, Integer> entry : tracker.waiting().entrySet()) {
                result.add(new Waiting(tracker.kind(), entry.getKey(), entry.getValue()));
            }
        }
        result.sort(Comparator.comparing(Waiting::kind).thenComparing(Waiting::key));
        return List.copyOf(result);
    }

    @Override
    public List<PluginFailure> failures() {
        List<PluginFailure> result = new ArrayList<>();
        for (PluginTracker<?> tracker : trackers) {
            result.addAll(tracker.failures().values());
        }
        result.sort(Comparator.comparing(PluginFailure::kind).thenComparing(PluginFailure::type));
        return List.copyOf(result);
    }
}
