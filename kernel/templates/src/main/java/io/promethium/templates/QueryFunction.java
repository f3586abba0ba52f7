package io.promethium.templates;

import java.util.List;

/** Runs the PromQL of a template's {@code query} function at the evaluation time. */
@FunctionalInterface
public interface QueryFunction {

    /** The result as samples; a scalar is one sample without labels. Throws with a message on failure. */
    List<QuerySample> query(String promql) throws Exception;

    /** For templates evaluated where no query can run (checks, tests without storage). */
    QueryFunction NONE = q -> {
        throw new IllegalStateException("query is not available here");
    };
}
