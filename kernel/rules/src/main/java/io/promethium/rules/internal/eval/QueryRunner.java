package io.promethium.rules.internal.eval;

import io.promethium.promql.ast.Expr;
import io.promethium.promql.engine.Sample;
import java.util.List;

/** Runs a rule's query at one time; what rules need of the PromQL engine. */
public interface QueryRunner {

    /**
     * The instant vector of {@code expr} at {@code timeMillis}; a scalar is one sample without
     * labels (as in Prometheus). Throws with a readable message when the query fails or the result
     * is neither a vector nor a scalar.
     */
    List<Sample> query(Expr expr, long timeMillis) throws Exception;

    /** As {@link #query(Expr, long)} for query text (templates' {@code query}). */
    List<Sample> query(String expr, long timeMillis) throws Exception;
}
