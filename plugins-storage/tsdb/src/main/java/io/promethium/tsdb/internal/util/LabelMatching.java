package io.promethium.tsdb.internal.util;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import java.util.List;

/** Matchers checked against one label set, for the scans over head series (exemplars, metadata). */
public final class LabelMatching {
    private LabelMatching() {
    }

    /** Whether every matcher matches (an absent label is the empty value, as in Prometheus). */
    public static boolean matchesAll(Labels labels, List<Matcher> matchers) {
        for (Matcher m : matchers) {
            if (!m.matches(labels.get(m.name()))) {
                return false;
            }
        }
        return true;
    }
}
