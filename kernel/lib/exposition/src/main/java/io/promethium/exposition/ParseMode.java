package io.promethium.exposition;

/**
 * How much of the OpenMetrics specification a parser enforces. The text formats have no
 * family-level rules, so for them both modes are the same.
 */
public enum ParseMode {
    /**
     * What Prometheus enforces while scraping: every line must be well formed (names, labels,
     * values, timestamps, exemplars, metadata lines, {@code # EOF}), but families are not checked
     * as a whole. Real clients emit pages that break family rules (the Go client writes
     * {@code _sum} next to negative buckets), and Prometheus ingests them.
     */
    LENIENT,
    /**
     * Everything the OpenMetrics reference parser enforces, on top of {@link #LENIENT}: metadata
     * once per family and before its samples, no clashing family names, contiguous groups,
     * timestamps that never go back inside a group, histogram and summary structure, counter-like
     * values that are neither negative nor NaN, stateset and info values, canonical {@code le}
     * and {@code quantile} labels, and exemplars only on buckets and counter totals.
     */
    STRICT
}
