package io.promethium.scrape.internal;

import io.promethium.api.model.Labels;
import java.net.URI;
import java.util.Objects;

/**
 * A target after relabeling.
 *
 * @param labels all labels, internal {@code __} ones included: the target's identity
 * @param publicLabels the labels its samples get
 */
record ScrapeTarget(String job, Labels discoveredLabels, Labels labels, Labels publicLabels, URI url) {

    ScrapeTarget {
        Objects.requireNonNull(job, "job is null");
        Objects.requireNonNull(discoveredLabels, "discoveredLabels is null");
        Objects.requireNonNull(labels, "labels is null");
        Objects.requireNonNull(publicLabels, "publicLabels is null");
        Objects.requireNonNull(url, "url is null");
    }

    /** Stable across restarts, so a target keeps its phase within the interval. */
    long hash() {
        return labels.stableHash() ^ url.toString().hashCode();
    }
}
