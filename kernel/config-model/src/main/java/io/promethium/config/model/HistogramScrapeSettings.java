package io.promethium.config.model;

/**
 * The native histogram settings of a scrape config, as Prometheus 3.
 *
 * @param scrapeNativeHistograms {@code scrape_native_histograms}, or null when not written (then
 *     {@code --enable-feature=native-histograms} decides, as in Prometheus)
 * @param alwaysScrapeClassicHistograms {@code always_scrape_classic_histograms} (default false)
 * @param nativeHistogramBucketLimit {@code native_histogram_bucket_limit} (0 = none)
 * @param nativeHistogramMinBucketFactor {@code native_histogram_min_bucket_factor} (0 = none)
 * @param convertClassicHistogramsToNhcb {@code convert_classic_histograms_to_nhcb} (default: the
 *     global setting, false): classic histograms become native histograms with custom buckets
 */
public record HistogramScrapeSettings(Boolean scrapeNativeHistograms, boolean alwaysScrapeClassicHistograms, int nativeHistogramBucketLimit,
                                      double nativeHistogramMinBucketFactor, boolean convertClassicHistogramsToNhcb) {

    /** Nothing written: Prometheus's defaults. */
    public static final HistogramScrapeSettings DEFAULT = new HistogramScrapeSettings(null, false, 0, 0, false);

    /** Without conversion to native histograms with custom buckets. */
    public HistogramScrapeSettings(Boolean scrapeNativeHistograms, boolean alwaysScrapeClassicHistograms, int nativeHistogramBucketLimit,
                                   double nativeHistogramMinBucketFactor) {
        this(scrapeNativeHistograms, alwaysScrapeClassicHistograms, nativeHistogramBucketLimit, nativeHistogramMinBucketFactor, false);
    }

    /** Whether native histograms are scraped, given whether the feature flag is on. */
    public boolean nativeHistograms(boolean featureFlag) {
        return scrapeNativeHistograms != null ? scrapeNativeHistograms : featureFlag;
    }
}
