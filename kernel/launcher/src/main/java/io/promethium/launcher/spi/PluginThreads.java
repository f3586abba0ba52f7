package io.promethium.launcher.spi;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Threads that stopped bundles leave running. When any bundle stops (a plugin removed, updated or
 * stopped through the admin API, a core bundle stopped or replaced), the launcher finds the live
 * threads that are the bundle's, interrupts those still running after a grace period, and lists
 * here those still running after a second one, until they end.
 *
 * @since 1.3
 */
@ProviderType
public interface PluginThreads {

    /** The leaked threads alive now, by plugin then thread name. */
    List<LeakedThread> leaked();
}
