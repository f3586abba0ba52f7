package io.promethium.web.internal.metrics;

import io.promethium.api.collect.Collector;
import java.util.Objects;
import java.util.function.Predicate;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

/**
 * Whether a collector that leaves is being replaced: the launcher installs and resolves a
 * plugin's new version beside the running one before it stops the old (the framework allows two
 * bundles of one name for this), so another live bundle of the same symbolic name means an
 * update; none means the plugin was stopped or removed.
 */
public final class NewVersionInstalled implements Predicate<Collector> {

    private final BundleContext context;

    public NewVersionInstalled(BundleContext context) {
        this.context = Objects.requireNonNull(context, "context is null");
    }

    @Override
    public boolean test(Collector collector) {
        Bundle leaving = FrameworkUtil.getBundle(collector.getClass());
        if (leaving == null || leaving.getSymbolicName() == null) {
            return false;
        }
        for (Bundle other : context.getBundles()) {
            if (other.getBundleId() != leaving.getBundleId() && leaving.getSymbolicName().equals(other.getSymbolicName())
                    && other.getState() != Bundle.UNINSTALLED) {
                return true;
            }
        }
        return false;
    }
}
