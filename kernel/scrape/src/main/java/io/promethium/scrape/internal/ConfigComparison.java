package io.promethium.scrape.internal;

import io.promethium.config.model.RelabelConfig;
import io.promethium.config.model.ScrapeConfig;
import java.util.List;

/**
 * Which parts of a scrape config changed on reload. Relabel steps hold compiled patterns, which
 * compare by identity, so they are compared by their text here.
 */
final class ConfigComparison {

    private ConfigComparison() {
    }

    /** Same HTTP, timing, protocol, label and limit settings: running loops may stay. */
    static boolean sameScrapeSettings(ScrapeConfig a, ScrapeConfig b) {
        return stripTargets(a).equals(stripTargets(b)) && sameRelabel(a.metricRelabelConfigs(), b.metricRelabelConfigs());
    }

    /** Same series handling: a replacement loop may keep the old loop's series cache. */
    static boolean sameSeriesHandling(ScrapeConfig a, ScrapeConfig b) {
        return a.honorLabels() == b.honorLabels()
                && a.honorTimestamps() == b.honorTimestamps()
                && a.limits().equals(b.limits())
                && sameRelabel(a.metricRelabelConfigs(), b.metricRelabelConfigs());
    }

    static boolean sameRelabel(List<RelabelConfig> a, List<RelabelConfig> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            RelabelConfig x = a.get(i);
            RelabelConfig y = b.get(i);
            if (!x.sourceLabels().equals(y.sourceLabels()) || !x.separator().equals(y.separator())
                    || !x.regexText().equals(y.regexText()) || x.modulus() != y.modulus()
                    || !x.targetLabel().equals(y.targetLabel()) || !x.replacement().equals(y.replacement())
                    || x.action() != y.action()) {
                return false;
            }
        }
        return true;
    }

    /** The config without what decides the target list (discovery, static targets, relabel_configs). */
    private static ScrapeConfig stripTargets(ScrapeConfig c) {
        return new ScrapeConfig(c.jobName(), c.scrapeInterval(), c.scrapeTimeout(), c.scrapeProtocols(),
                c.fallbackScrapeProtocol(), c.metricsPath(), c.scheme(), c.params(), c.honorLabels(), c.honorTimestamps(),
                c.trackTimestampsStaleness(), c.enableCompression(), c.httpClient(),
                c.limits(), List.of(), List.of(), List.of(), List.of(), c.histograms(), c.extraScrapeMetrics(),
                c.metricNames(), c.directory());
    }
}
