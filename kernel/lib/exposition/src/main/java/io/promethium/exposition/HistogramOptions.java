package io.promethium.exposition;

/**
 * How a parser treats histograms, from a scrape config (since 1.2.0). Only the protobuf format
 * carries native histograms; the text formats ignore these settings.
 *
 * @param nativeHistograms {@code scrape_native_histograms}: read native histograms (else only their classic buckets)
 * @param alwaysScrapeClassic {@code always_scrape_classic_histograms}: also emit the classic
 *     {@code _bucket}/{@code _count}/{@code _sum} series of a histogram read as native
 * @param bucketLimit {@code native_histogram_bucket_limit}: reduce a native histogram's resolution
 *     until it has at most this many buckets (0 = no limit); an error when schema -4 still has more
 * @param minBucketFactor {@code native_histogram_min_bucket_factor}: reduce the resolution until
 *     neighbouring bucket bounds grow by at least this factor (values up to 1 = no limit)
 */
public record HistogramOptions(boolean nativeHistograms, boolean alwaysScrapeClassic, int bucketLimit, double minBucketFactor) {

    /** Native histograms off: classic series only, as Prometheus without {@code scrape_native_histograms}. */
    public static final HistogramOptions CLASSIC = new HistogramOptions(false, true, 0, 0);

    public HistogramOptions {
        if (bucketLimit < 0) {
            throw new IllegalArgumentException("native_histogram_bucket_limit must not be negative: " + bucketLimit);
        }
        if (Double.isNaN(minBucketFactor) || minBucketFactor < 0) {
            throw new IllegalArgumentException("native_histogram_min_bucket_factor must not be negative: " + minBucketFactor);
        }
    }
}
