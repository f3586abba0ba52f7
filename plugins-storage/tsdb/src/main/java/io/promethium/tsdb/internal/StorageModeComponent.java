package io.promethium.tsdb.internal;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Chooses the primary storage once per start: {@link AgentComponent} (the WAL-only storage) with
 * {@code --agent} (framework property {@code promethium.flag.agent}), else {@link TsdbComponent}.
 * Both are declared disabled; DS activates the one enabled here, so neither branches on the mode.
 */
@Component(immediate = true, service = {})
public final class StorageModeComponent {

    static final String AGENT_FLAG = "promethium.flag.agent";

    @Activate
    public StorageModeComponent(ComponentContext context) {
        BundleContext bundle = context.getBundleContext();
        context.enableComponent(componentFor(bundle.getProperty(AGENT_FLAG)));
    }

    /** The DS component name (its class name) of the storage for the {@code --agent} flag's value. */
    static String componentFor(String agentFlag) {
        return Boolean.parseBoolean(agentFlag) ? AgentComponent.class.getName() : TsdbComponent.class.getName();
    }
}
