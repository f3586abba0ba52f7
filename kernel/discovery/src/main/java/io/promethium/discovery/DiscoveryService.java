package io.promethium.discovery;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs discovery for the kernel's consumers, as Prometheus's discovery manager does: a
 * discoverer per distinct config block (identical blocks in several jobs, or in scrape and
 * alerting, share one), restarted only when its own block changes; each consumer gets the
 * groups of all its target sets at most once per update interval (5 s in the server). A block
 * whose plugin is not installed waits for it ({@link #waitingPlugins}) and starts when it
 * arrives; a plugin update keeps the targets the new version still yields. Thread-safe.
 */
@ProviderType
public interface DiscoveryService {

    /**
     * Makes {@code consumer} ({@code scrape}, {@code notify}) follow exactly these target sets,
     * replacing what it followed before. Blocks that did not change keep their discoverers and
     * their groups. The listener gets the current groups soon after, whether or not anything
     * changed.
     *
     * @param sets target set (scrape job, Alertmanager set) to its {@code <type>_sd_configs} blocks, in file order
     * @param configDirectory where relative paths of the blocks resolve
     * @throws ConfigException when a plugin refused a block; every other block is applied
     */
    default void apply(String consumer, Map<String, List<PluginConfig>> sets, Path configDirectory, TargetSetListener listener)
            throws ConfigException {
        apply(consumer, sets, Map.of(), configDirectory, listener);
    }

    /**
     * As {@link #apply(String, Map, Path, TargetSetListener)}, with the number of
     * {@code static_configs} targets of each set, which the consumer handles itself: Prometheus
     * counts them as the {@code static} provider in {@code prometheus_sd_discovered_targets}.
     *
     * @param staticTargets target set to its number of static targets (absent means none)
     * @since 1.1
     */
    void apply(String consumer, Map<String, List<PluginConfig>> sets, Map<String, Integer> staticTargets, Path configDirectory,
               TargetSetListener listener) throws ConfigException;

    /**
     * As {@link #apply(String, Map, Map, Path, TargetSetListener)}, the consumer taking updates at
     * most once per {@code interval}, as Prometheus's scrape manager throttles the target groups it
     * takes ({@code --scrape.discovery-reload-interval}). Both throttles apply, as in Prometheus: an
     * interval shorter than the manager's own update interval (5 s) has the manager's.
     *
     * @since 1.2
     */
    default void apply(String consumer, Map<String, List<PluginConfig>> sets, Map<String, Integer> staticTargets,
                       Path configDirectory, Duration interval, TargetSetListener listener) throws ConfigException {
        apply(consumer, sets, staticTargets, configDirectory, Map.of(), interval, listener);
    }

    /**
     * As {@link #apply(String, Map, Map, Path, Duration, TargetSetListener)}, the relative paths of
     * the blocks of each set named in {@code setDirectories} resolving against that folder instead
     * of {@code configDirectory}: a scrape config read from a {@code scrape_config_files} file
     * resolves against that file's folder, as Prometheus's.
     *
     * @since 1.4
     */
    void apply(String consumer, Map<String, List<PluginConfig>> sets, Map<String, Integer> staticTargets, Path configDirectory,
               Map<String, Path> setDirectories, Duration interval, TargetSetListener listener) throws ConfigException;

    /**
     * Per target set of {@code consumer}, the discovery types ({@code cmdb}) whose blocks wait
     * because no installed plugin owns them; sets without such blocks are absent.
     *
     * @since 1.3
     */
    default Map<String, java.util.Set<String>> waitingPlugins(String consumer) {
        return Map.of();
    }

    /** Stops following anything for {@code consumer}; discoverers nobody else uses are closed. */
    void remove(String consumer);
}
