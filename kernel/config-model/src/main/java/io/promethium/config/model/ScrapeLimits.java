package io.promethium.config.model;

/**
 * Per-scrape limits; 0 means no limit.
 *
 * @param bodySizeLimit bytes of uncompressed body
 */
public record ScrapeLimits(long bodySizeLimit, long sampleLimit, long labelLimit, long labelNameLengthLimit,
                           long labelValueLengthLimit, long targetLimit, long keepDroppedTargets) {
    public static final ScrapeLimits NONE = new ScrapeLimits(0, 0, 0, 0, 0, 0, 0);
}
