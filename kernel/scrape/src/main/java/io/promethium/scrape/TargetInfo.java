package io.promethium.scrape;

import io.promethium.api.model.Labels;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One target as {@code /api/v1/targets} shows it.
 *
 * @param discoveredLabels labels before relabeling, {@code __meta_*} included
 * @param labels the labels added to the target's samples ({@code job}, {@code instance}, ...); empty for a dropped target
 * @param scrapePool the job name
 * @param scrapeUrl the URL scraped; empty for a dropped target
 * @param globalUrl the URL with the address as other hosts would reach it (same as {@code scrapeUrl} here)
 * @param lastError the last scrape's error, or empty
 * @param lastScrape when the last scrape started, or {@link Instant#EPOCH} before the first
 * @param lastScrapeDuration how long the last scrape took
 * @param health {@code up}, {@code down} or {@code unknown}
 */
public record TargetInfo(
        Labels discoveredLabels,
        Labels labels,
        String scrapePool,
        String scrapeUrl,
        String globalUrl,
        String lastError,
        Instant lastScrape,
        Duration lastScrapeDuration,
        String health,
        Duration scrapeInterval,
        Duration scrapeTimeout) {

    public static final String UP = "up";
    public static final String DOWN = "down";
    public static final String UNKNOWN = "unknown";

    public TargetInfo {
        Objects.requireNonNull(discoveredLabels, "discoveredLabels is null");
        Objects.requireNonNull(labels, "labels is null");
        Objects.requireNonNull(scrapePool, "scrapePool is null");
        scrapeUrl = scrapeUrl == null ? "" : scrapeUrl;
        globalUrl = globalUrl == null ? "" : globalUrl;
        lastError = lastError == null ? "" : lastError;
        lastScrape = lastScrape == null ? Instant.EPOCH : lastScrape;
        lastScrapeDuration = lastScrapeDuration == null ? Duration.ZERO : lastScrapeDuration;
        Objects.requireNonNull(health, "health is null");
        Objects.requireNonNull(scrapeInterval, "scrapeInterval is null");
        Objects.requireNonNull(scrapeTimeout, "scrapeTimeout is null");
    }
}
