package io.promethium.config.model;

/**
 * The native histogram settings of a scrape config, as Prometheus 3.
 *
 * @param scrapeNativeHistograms {@code scrape_native_histograms}, or null when not written (then
 *     {@code --enable-feature=native-histograms} decides, as in Prometheus)
 * @param alwaysScrapeClassicHistograms {@code always_scrape_classic_histograms} (default false)
 * @param nativeHistogramBucketLimit {@code native_histogram_bucket_limit} (0 = none)
 * @param nativeHistogramMinBucketFactor {@code native_histogram_min_bucket_factor} (0 = none)
 */
public record HistogramScrapeSettings(Boolean scrapeNativeHistograms, boolean alwaysScrapeClassicHistograms, int nativeHistogramBucketLimit,
                                      double nativeHistogramMinBucketFactor) {

    /** Nothing written: Prometheus's defaults. */
    public static final HistogramScrapeSettings DEFAULT = new HistogramScrapeSettings(null, false, 0, 0);

    /** Whether native histograms are scraped, given whether the feature flag is on. */
    public boolean nativeHistograms(boolean featureFlag) {
        return scrapeNativeHistograms != null ? scrapeNativeHistograms : featureFlag;
    }
}
