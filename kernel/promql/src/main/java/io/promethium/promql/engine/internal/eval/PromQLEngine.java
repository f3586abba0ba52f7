package io.promethium.promql.engine.internal.eval;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Queryable;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.ast.ValueType;
import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.engine.InstantVector;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.QueryResult;
import io.promethium.promql.engine.QueryStats;
import io.promethium.promql.engine.RangeMatrix;
import io.promethium.promql.engine.Scalar;
import io.promethium.promql.engine.SeriesData;
import io.promethium.promql.engine.StringValue;
import io.promethium.promql.engine.Value;
import io.promethium.promql.engine.internal.eval.Values.EvalValue;
import io.promethium.promql.engine.internal.eval.Values.MatrixValue;
import io.promethium.promql.engine.internal.eval.Values.ScalarSteps;
import io.promethium.promql.engine.internal.eval.Values.StepVector;
import io.promethium.promql.engine.internal.eval.Values.StringLit;
import io.promethium.promql.engine.internal.kernel.Absent;
import io.promethium.promql.engine.internal.kernel.NativeHistogram;
import io.promethium.promql.parser.ParseException;
import io.promethium.promql.parser.PromQLParser;

import io.promethium.promql.printer.PromQLPrinter;
import io.promethium.tracing.TraceSpan;
import io.promethium.tracing.Tracer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/** The engine: limits (concurrency, timeout, samples), parsing, evaluation and result shaping. */
public final class PromQLEngine implements QueryEngine {

    private final EngineOptions options;
    private final Semaphore slots;
    private final EngineMetrics metrics;
    private final PromQLParser parser;
    private final boolean delayedNameRemoval;
    private final boolean typeAndUnitLabels;
    /**
     * Trees of recently parsed query texts: a dashboard repeats the same few queries, and parsing
     * was over half of a small query's engine time. Trees are immutable; failures are not kept.
     */
    private final ParsedQueries recent;

    /** Whether aggregations directly over a selector fold its values without a row per series (see {@link Evaluator#foldSelectors}). */
    private final boolean foldSelectors;

    /** The timeout of every query (the options' timeout, or smaller for a {@link #withTimeout} view). */
    private final long timeoutNanos;
    /** {@code SelectHints.maxSourceResolution} of every select ({@code AUTO} unless a view says otherwise). */
    private final long maxSourceResolution;

    /** The tracer of the query stages' spans, read once per query. */
    private final Supplier<Tracer> tracer;

    public PromQLEngine(EngineOptions options) {
        this(options, true, UNTRACED);
    }

    /** @param tracer spans of each query's stages while the tracer it supplies is enabled */
    public PromQLEngine(EngineOptions options, Supplier<Tracer> tracer) {
        this(options, true, tracer);
    }

    private static final Supplier<Tracer> UNTRACED = () -> Tracer.NONE;

    /** A view sharing everything (slots, metrics, parse cache) but the timeout. */
    private PromQLEngine(PromQLEngine engine, long timeoutNanos, long maxSourceResolution) {
        this.maxSourceResolution = maxSourceResolution;
        this.options = engine.options;
        this.slots = engine.slots;
        this.parser = engine.parser;
        this.delayedNameRemoval = engine.delayedNameRemoval;
        this.typeAndUnitLabels = engine.typeAndUnitLabels;
        this.foldSelectors = engine.foldSelectors;
        this.recent = engine.recent;
        this.metrics = engine.metrics;
        this.tracer = engine.tracer;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public QueryEngine withTimeout(java.time.Duration timeout) {
        long nanos = requireNonNull(timeout, "timeout is null").toNanos();
        return nanos >= timeoutNanos ? this : new PromQLEngine(this, Math.max(0, nanos), maxSourceResolution);
    }

    @Override
    public QueryEngine withMaxSourceResolution(long millis) {
        if (millis < io.promethium.api.storage.SelectHints.AUTO) {
            throw new IllegalArgumentException("max source resolution must be AUTO (-1), RAW (0) or positive: " + millis);
        }
        return millis == maxSourceResolution ? this : new PromQLEngine(this, timeoutNanos, millis);
    }

    /** With {@code foldSelectors} false, every aggregation takes the row-per-series path (for tests comparing the two). */
    PromQLEngine(EngineOptions options, boolean foldSelectors) {
        this(options, foldSelectors, UNTRACED);
    }

    private PromQLEngine(EngineOptions options, boolean foldSelectors, Supplier<Tracer> tracer) {
        this.tracer = requireNonNull(tracer, "tracer is null");
        this.foldSelectors = foldSelectors;
        this.options = requireNonNull(options, "options is null");
        this.recent = new ParsedQueries();
        this.parser = new PromQLParser(new io.promethium.promql.parser.ParserOptions(options.enabled(EngineOptions.EXPERIMENTAL_FUNCTIONS),
                options.enabled(EngineOptions.EXTENDED_RANGE_SELECTORS), options.enabled(EngineOptions.DURATION_EXPR), options.enabled(EngineOptions.FILL_MODIFIERS)));
        this.delayedNameRemoval = options.enabled(EngineOptions.DELAYED_NAME_REMOVAL);
        this.typeAndUnitLabels = options.enabled(EngineOptions.TYPE_AND_UNIT_LABELS);
        this.slots = new Semaphore(options.maxConcurrent(), true);
        this.metrics = new EngineMetrics(recent);
        this.metrics.setMaxConcurrent(options.maxConcurrent());
        this.timeoutNanos = options.timeout().toNanos();
        this.maxSourceResolution = io.promethium.api.storage.SelectHints.AUTO;
    }

    @Override
    public EngineOptions options() {
        return options;
    }

    public EngineMetrics metrics() {
        return metrics;
    }

    @Override
    public QueryResult instantQuery(Queryable storage, String query, long timeMillis) {
        return instantQuery(storage, parse(query), query, timeMillis);
    }

    @Override
    public QueryResult rangeQuery(Queryable storage, String query, long startMillis, long endMillis, long stepMillis) {
        return rangeQuery(storage, parse(query), query, startMillis, endMillis, stepMillis);
    }

    @Override
    public QueryResult instantQuery(Queryable storage, Expr expr, long timeMillis) {
        checkFeatures(expr);
        return instantQuery(storage, expr, null, timeMillis);
    }

    @Override
    public QueryResult rangeQuery(Queryable storage, Expr expr, long startMillis, long endMillis, long stepMillis) {
        checkFeatures(expr);
        return rangeQuery(storage, expr, null, startMillis, endMillis, stepMillis);
    }

    /**
     * A tree parsed elsewhere (rule files) may hold experimental functions: refused as the parser
     * refuses them when the feature is off.
     */
    private void checkFeatures(Expr expr) {
        if (expr == null) {
            return;
        }
        if (!options.enabled(EngineOptions.EXTENDED_RANGE_SELECTORS)) {
            for (io.promethium.promql.ast.VectorSelector vs : io.promethium.promql.ast.Exprs.selectors(expr)) {
                if (vs.modifier() != io.promethium.promql.ast.SelectorModifier.NONE) {
                    throw QueryException.badData(vs.modifier().keyword() + " modifier is experimental and must be enabled with"
                            + " --enable-feature=" + EngineOptions.EXTENDED_RANGE_SELECTORS);
                }
            }
        }
        if (!options.enabled(EngineOptions.DURATION_EXPR) && DurationResolver.present(expr)) {
            throw QueryException.badData("experimental duration expression is not enabled");
        }
        if (!options.enabled(EngineOptions.FILL_MODIFIERS)) {
            io.promethium.promql.ast.Exprs.walk(expr, e -> {
                if (e instanceof io.promethium.promql.ast.BinaryExpr b && b.matching() != null
                        && (b.matching().fillLeft() != null || b.matching().fillRight() != null)) {
                    throw QueryException.badData("binop fill modifiers are experimental and not enabled");
                }
            });
        }
        if (options.enabled(EngineOptions.EXPERIMENTAL_FUNCTIONS)) {
            return;
        }
        io.promethium.promql.ast.Exprs.walk(expr, e -> {
            if (e instanceof io.promethium.promql.ast.Call c && c.function().experimental()) {
                throw QueryException.badData("function " + GoFormat.quote(c.function().name()) + " is not enabled");
            }
            if (e instanceof io.promethium.promql.ast.AggregateExpr a && a.op().experimental()) {
                throw QueryException.badData("limitk() and limit_ratio() are experimental and must be enabled with --enable-feature="
                        + EngineOptions.EXPERIMENTAL_FUNCTIONS);
            }
        });
    }

    private Expr parse(String query) {
        requireNonNull(query, "query is null");
        Expr cached = recent.get(query);
        if (cached != null) {
            return cached;
        }
        try {
            Expr expr = parser.parse(query);
            recent.put(query, expr);
            return expr;
        } catch (ParseException e) {
            throw new QueryException(QueryException.BAD_DATA, e.getMessage(), e);
        } catch (RuntimeException e) {
            // The parser must only throw ParseException; anything else is still the query's fault.
            throw new QueryException(QueryException.BAD_DATA, "1:1: parse error: " + e.getMessage(), e);
        }
    }

    private QueryResult instantQuery(Queryable storage, Expr expr, String text, long time) {
        requireNonNull(storage, "storage is null");
        requireNonNull(expr, "expr is null");
        return run(storage, expr, text, time, time, 0, false);
    }

    private QueryResult rangeQuery(Queryable storage, Expr expr, String text, long start, long end, long step) {
        requireNonNull(storage, "storage is null");
        requireNonNull(expr, "expr is null");
        io.promethium.promql.engine.RangeLimits.checkEnd(start, end);
        io.promethium.promql.engine.RangeLimits.checkStep(start, end, step);
        if (expr.type() != ValueType.SCALAR && expr.type() != ValueType.VECTOR) {
            throw QueryException.badData("invalid expression type \"" + expr.type().documentedName()
                    + "\" for range query, must be Scalar or instant Vector");
        }
        return run(storage, expr, text, start, end, step, true);
    }

    private QueryResult run(Queryable storage, Expr parsed, String text, long start, long end, long step, boolean range) {
        // Off: the flag is read once and NONE goes on, so the stages cost no volatile read and allocate nothing.
        Tracer t = tracer.get();
        if (!t.enabled()) {
            t = Tracer.NONE;
        } else {
            // Prometheus's query.Exec puts the statement on the caller's span (the request's, the rule's).
            t.current().attribute("query", "EVAL " + PromQLPrinter.toString(parsed));
        }
        Expr expr = DurationResolver.present(parsed) ? new DurationResolver(range ? step : 0, end - start).resolve(parsed) : parsed;
        long queued = System.nanoTime();
        long deadline = queued + timeoutNanos;
        metrics.queryStarted();
        try (TraceSpan exec = t.start("promqlExec")) {
            return runQueued(storage, expr, text, start, end, step, range, queued, timeoutNanos, deadline, t);
        } finally {
            metrics.queryEnded();
        }
    }

    private QueryResult runQueued(Queryable storage, Expr expr, String text, long start, long end, long step, boolean range,
            long queued, long timeoutNanos, long deadline, Tracer t) {
        boolean acquired;
        try (TraceSpan queue = t.start("promqlExecQueue")) {
            acquired = slots.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryException(QueryException.CANCELED, "query was canceled in query queue");
        }
        if (!acquired) {
            throw new QueryException(QueryException.TIMEOUT, "query timed out in query queue");
        }
        long started = System.nanoTime();
        try (TraceSpan eval = t.start("promqlEval")) {
            Annotations annotations = new Annotations(text);
            try (EvalContext ctx = new EvalContext(storage, options.lookbackDelta().toMillis(), options.maxSamples(), deadline, start, end,
                    range ? step : 0, annotations, typeAndUnitLabels, options.enabled(EngineOptions.USE_START_TIMESTAMPS),
                    maxSourceResolution, t)) {
                Evaluator evaluator = new Evaluator(ctx, range, delayedNameRemoval, foldSelectors);
                try (TraceSpan prepare = t.start("promqlPrepare")) {
                    evaluator.prepare(expr);
                }
                StepGrid grid = StepGrid.of(start, end, range ? step : 0);
                EvalValue value = null;
                Aggregations.Rows bare;
                try (TraceSpan inner = t.start("promqlInnerEval")) {
                    bare = evaluator.bareSelector(expr, grid);
                    if (bare == null) {
                        value = evaluator.eval(expr, grid);
                    }
                }
                Value result;
                if (range) {
                    // A range query's series are merged and sorted by labels here. (An instant query's
                    // matrix is the selector's, in the storage's label order: no sort, no span.)
                    try (TraceSpan sort = t.start("promqlSort")) {
                        result = toRangeResult(value, grid, typeAndUnitLabels);
                    }
                } else {
                    result = bare != null ? instantVector(bare, grid.start()) : toInstantResult(value, grid, typeAndUnitLabels);
                }
                long evalNanos = System.nanoTime() - started;
                metrics.observe(started - queued, evalNanos);
                metrics.observeSamples(ctx.totalSamples());
                return new QueryResult(result, annotations.warnings(), annotations.infos(),
                        new QueryStats(ctx.totalSamples(), ctx.peakSamples(), started - queued, evalNanos, ctx.resolutionUsed()));
            }
        } catch (QueryException e) {
            throw e;
        } catch (RuntimeException e) {
            // A regex that backtracks too long on a label value (even wrapped by a storage or a worker):
            // the query's fault, answered as an execution error naming the regex.
            io.promethium.api.model.RegexTooExpensiveException regex = io.promethium.api.model.RegexTooExpensiveException.in(e);
            if (regex != null) {
                throw new QueryException(QueryException.EXECUTION, regex.getMessage(), e);
            }
            if (e instanceof io.promethium.api.storage.StorageException) {
                // A storage failing mid-query (disk error, closed during shutdown): Prometheus reports it as internal.
                throw new QueryException(QueryException.INTERNAL, "error querying storage: " + e.getMessage(), e);
            }
            throw new QueryException(QueryException.INTERNAL, "unexpected error: " + e, e);
        } catch (StackOverflowError e) {
            throw new QueryException(QueryException.EXECUTION, "query is too deeply nested to evaluate");
        } catch (OutOfMemoryError e) {
            throw new QueryException(QueryException.EXECUTION, "query processing would load too many samples into memory in query execution");
        } finally {
            slots.release();
        }
    }

    private static Value toInstantResult(EvalValue value, StepGrid grid, boolean typeAndUnit) {
        long t = grid.start();
        return switch (value) {
            case ScalarSteps s -> new Scalar(t, s.values()[0]);
            case StringLit s -> new StringValue(t, s.value());
            case MatrixValue m -> {
                DistinctLabels.require(m.series().size(), i -> m.series().get(i).labels());
                yield new io.promethium.promql.engine.RangeMatrix(m.series());
            }
            case StepVector v -> {
                List<StepSeries> rows = v.series();
                int[] present = new int[rows.size()];
                int n = 0;
                for (int i = 0; i < present.length; i++) {
                    if (rows.get(i).has(0)) {
                        present[n++] = i;
                    }
                }
                Labels[] labels = new Labels[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = rows.get(present[i]).outputLabels(typeAndUnit);
                }
                yield samples(t, Aggregations.Rows.of(rows), present, n, labels);
            }
        };
    }

    /** A bare instant selector's answer ({@link Evaluator#bareSelector}): its series keep their labels. */
    private static Value instantVector(Aggregations.Rows rows, long t) {
        int[] present = new int[rows.size()];
        int n = 0;
        for (int i = 0; i < present.length; i++) {
            if (rows.present(i)) {
                present[n++] = i;
            }
        }
        Labels[] labels = new Labels[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rows.labels(present[i]);
        }
        return samples(t, rows, present, n, labels);
    }

    private static Value samples(long t, Aggregations.Rows rows, int[] present, int n, Labels[] labels) {
        DistinctLabels.require(n, i -> labels[i]);
        return new InstantVector(new StepSamples(t, rows, n == present.length ? present : Arrays.copyOf(present, n), labels));
    }

    /** A range query's matrix: series sorted by labels, same-labelled series merged (error if they overlap). */
    private static Value toRangeResult(EvalValue value, StepGrid grid, boolean typeAndUnit) {
        int steps = grid.steps();
        List<StepSeries> series;
        if (value instanceof ScalarSteps s) {
            series = List.of(new StepSeries(Labels.EMPTY, s.values(), false));
        } else if (value instanceof StepVector v) {
            series = v.series();
        } else {
            throw QueryException.badData("invalid expression type for range query, must be Scalar or instant Vector");
        }
        TreeMap<Labels, StepSeries> merged = new TreeMap<>();
        for (StepSeries s : series) {
            Labels labels = s.outputLabels(typeAndUnit);
            StepSeries existing = merged.get(labels);
            if (existing == null) {
                merged.put(labels, s);
                continue;
            }
            for (int i = 0; i < steps; i++) {
                if (s.has(i)) {
                    if (existing.has(i)) {
                        throw QueryException.execution("vector cannot contain metrics with the same labelset");
                    }
                    if (s.hist(i) != null) {
                        existing.setHist(i, s.hist(i));
                    } else {
                        existing.values[i] = s.values[i];
                    }
                }
            }
        }
        List<SeriesData> out = new ArrayList<>(merged.size());
        long[] everyStep = null;
        for (Map.Entry<Labels, StepSeries> e : merged.entrySet()) {
            StepSeries s = e.getValue();
            int n = s.presentCount();
            if (n == 0) {
                continue;
            }
            if (n == steps && s.hists == null) {
                // A float at every step (most panels' series): the row is the answer's values as it
                // is, and such series share one array of the steps' times, so a fleet's day at
                // Grafana's step is not copied once more (0.46 MB a request at 20 series x 1,441 steps).
                if (everyStep == null) {
                    everyStep = new long[steps];
                    for (int i = 0; i < steps; i++) {
                        everyStep[i] = grid.time(i);
                    }
                }
                out.add(new SeriesData(e.getKey(), everyStep, s.values, n));
                continue;
            }
            long[] ts = new long[n];
            double[] vs = new double[n];
            io.promethium.api.model.FloatHistogram[] hs = s.hists == null ? null : new io.promethium.api.model.FloatHistogram[n];
            int k = 0;
            for (int i = 0; i < steps; i++) {
                if (s.has(i)) {
                    ts[k] = grid.time(i);
                    vs[k] = s.values[i];
                    if (hs != null && s.hists[i] != null) {
                        hs[k] = s.hists[i].toFloatHistogram();
                    }
                    k++;
                }
            }
            out.add(new SeriesData(e.getKey(), ts, vs, n, hs));
        }
        return new RangeMatrix(out);
    }
}
