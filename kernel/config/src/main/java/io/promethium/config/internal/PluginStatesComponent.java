package io.promethium.config.internal;

import io.promethium.api.plugin.MetricsRegistrar;
import io.promethium.config.lifecycle.PluginFailure;
import io.promethium.config.lifecycle.PluginStates;
import io.promethium.config.lifecycle.PluginStatesRegistry;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The plugin trackers' waiting config parts and last failures as a service, for the console and
 * the admin API. The trackers of every bundle find the same registry through the kernel's
 * metrics registrar, which this component reads it from.
 */
@Component(service = PluginStates.class)
public final class PluginStatesComponent implements PluginStates {

    private final PluginStates states;

    @Activate
    public PluginStatesComponent(@Reference MetricsRegistrar registrar) {
        PluginStatesRegistry registry = PluginStatesRegistry.of(registrar);
        this.states = registry != null ? registry : new PluginStatesRegistry();
    }

    @Override
    public List<Waiting> waiting() {
        return states.waiting();
    }

    @Override
    public List<PluginFailure> failures() {
        return states.failures();
    }
}
