package io.promethium.api.config;

import io.promethium.api.model.Labels;

/** A compiled list of relabel rules. Thread-safe and stateless. */
@FunctionalInterface
public interface LabelRewriter {

    /** Rewrites nothing. */
    LabelRewriter IDENTITY = labels -> labels;

    /** The labels after the rules, or {@code null} when a rule dropped them. */
    Labels rewrite(Labels labels);
}
