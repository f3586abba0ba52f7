package io.promethium.rules.internal.eval;

import static java.util.Objects.requireNonNull;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Queryable;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.engine.InstantVector;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.QueryResult;
import io.promethium.promql.engine.Sample;
import io.promethium.promql.engine.Scalar;
import io.promethium.promql.engine.StringValue;
import io.promethium.promql.engine.Value;
import java.util.List;
import java.util.function.Supplier;

/** Runs rule queries on the PromQL engine against the current storage. */
public final class EngineQueryRunner implements QueryRunner {

    private final Supplier<QueryEngine> engine;
    private final Supplier<? extends Queryable> storage;

    public EngineQueryRunner(Supplier<QueryEngine> engine, Supplier<? extends Queryable> storage) {
        this.engine = requireNonNull(engine, "engine is null");
        this.storage = requireNonNull(storage, "storage is null");
    }

    @Override
    public List<Sample> query(Expr expr, long timeMillis) throws Exception {
        return toVector(run(e -> e.instantQuery(queryable(), expr, timeMillis)));
    }

    @Override
    public List<Sample> query(String expr, long timeMillis) throws Exception {
        return toVector(run(e -> e.instantQuery(queryable(), expr, timeMillis)));
    }

    private QueryResult run(java.util.function.Function<QueryEngine, QueryResult> call) {
        QueryEngine e = engine.get();
        if (e == null) {
            throw new IllegalStateException("no PromQL engine available");
        }
        return call.apply(e);
    }

    private Queryable queryable() {
        Queryable q = storage.get();
        if (q == null) {
            throw new IllegalStateException("no storage available");
        }
        return q;
    }

    private static List<Sample> toVector(QueryResult result) {
        Value v = result.value();
        return switch (v) {
            case InstantVector vector -> vector.samples();
            case Scalar s -> List.of(new Sample(Labels.EMPTY, s.t(), s.v()));
            case StringValue s -> throw new IllegalArgumentException("rule result is not a vector or scalar");
            default -> throw new IllegalArgumentException("rule result is not a vector or scalar");
        };
    }
}
