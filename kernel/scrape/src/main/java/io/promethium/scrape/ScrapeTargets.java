package io.promethium.scrape;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** The targets of every scrape pool, as the targets API shows them. Thread-safe snapshots. */
@ProviderType
public interface ScrapeTargets {

    /** Targets being scraped, by pool then labels. */
    List<TargetInfo> activeTargets();

    /** Targets dropped by relabeling or invalid, up to {@code keep_dropped_targets} per pool (0: all). */
    List<TargetInfo> droppedTargets();

    /**
     * Scrape pools with discovery blocks that wait for their plugin (a {@code cmdb_sd_configs}
     * key no installed plugin owns): pool to the plugin types ({@code cmdb}) it waits for. The
     * rest of such a pool (its static targets, other blocks) is scraped meanwhile.
     *
     * @since 1.1
     */
    default java.util.Map<String, java.util.Set<String>> waitingPools() {
        return java.util.Map.of();
    }

    /**
     * The {@code relabel_configs} the scrape pool of that name applies to its targets, in order;
     * empty when there is no such pool (what {@code /api/v1/targets/relabel_steps} replays).
     *
     * @since 1.2
     */
    java.util.Optional<List<io.promethium.config.model.RelabelConfig>> relabelConfigs(String scrapePool);

    /** The {@code # TYPE}/{@code # HELP}/{@code # UNIT} each active target exposed on its last successful scrape. */
    List<TargetMetadata> targetMetadata();
}
