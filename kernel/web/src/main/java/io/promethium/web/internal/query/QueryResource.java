package io.promethium.web.internal.query;

import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.Storage;
import io.promethium.promql.engine.InstantVector;
import io.promethium.promql.engine.QueryEngine;
import io.promethium.promql.engine.QueryException;
import io.promethium.promql.engine.QueryResult;
import io.promethium.promql.engine.RangeLimits;
import io.promethium.promql.engine.RangeMatrix;
import io.promethium.promql.engine.Value;
import io.promethium.web.internal.api.ApiError;
import io.promethium.web.internal.api.ApiRoute;
import io.promethium.web.internal.api.ApiResponses;
import io.promethium.web.internal.api.Params;
import io.promethium.web.internal.api.PromJson;
import io.promethium.api.web.HttpRoutes;
import io.promethium.tracing.TraceSpan;
import io.promethium.tracing.Tracer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code /api/v1/query} and {@code /api/v1/query_range}, GET or form POST, as Prometheus answers
 * them, over the storage view. The engine owns the deadline (its own timeout and the request's
 * {@code timeout}, {@link QueryEngine#withTimeout}) and the range checks ({@link RangeLimits});
 * this class parses parameters and maps the engine's errors to the API's.
 */
public final class QueryResource {

    private final Supplier<QueryEngine> engine;
    private final Supplier<Storage> storage;
    private final Clock clock;
    private final Supplier<Tracer> tracer;
    /** Shared by the routes' answers: what one answer's helper spelled into, the next reuses. */
    private final SpelledBytes spelledBytes = new SpelledBytes();

    public QueryResource(Supplier<QueryEngine> engine, Supplier<Storage> storage, Clock clock) {
        this(engine, storage, clock, () -> Tracer.NONE);
    }

    /**
     * @param tracer a {@code promqlInstantQuery} or {@code promqlRangeQuery} span per query, child of
     *               the request's span, with the parameters and the result's size (Prometheus's API
     *               spans); the engine's {@code promqlExec} and its stages go under it
     */
    public QueryResource(Supplier<QueryEngine> engine, Supplier<Storage> storage, Clock clock, Supplier<Tracer> tracer) {
        this.tracer = Objects.requireNonNull(tracer, "tracer is null");
        this.engine = Objects.requireNonNull(engine, "engine is null");
        this.storage = Objects.requireNonNull(storage, "storage is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /**
     * The two routes; form bodies larger than {@code formLimit} bytes are refused (as
     * {@link io.promethium.web.internal.api.FormBodyLimitFilter}); with {@code agent}, they answer
     * as Prometheus's agent does.
     */
    public List<HttpRoutes> routes(long formLimit, boolean agent) {
        return List.of(ApiRoute.of("/api/v1/query", true, (p, segment) -> query(p), formLimit, agent),
                ApiRoute.of("/api/v1/query_range", true, (p, segment) -> queryRange(p), formLimit, agent));
    }

    ApiResponses.Body query(Params params) {
        int limit = params.limit();
        long time = params.timeOr("time", clock.millis());
        long timeout = timeout(params);
        long maxResolution = maxSourceResolution(params);
        String query = params.get("query");
        QueryEngine e = engine.get();
        Storage s = storage.get();
        QueryResult result;
        Tracer t = tracer.get();
        try (TraceSpan span = t.enabled() ? t.start("promqlInstantQuery").attribute("query", query)
                .attribute("timeout", params.get("timeout")).attribute("time", rfc3339(time)) : TraceSpan.NONE) {
            try {
                result = bounded(e, timeout, maxResolution).instantQuery(s, query, time);
            } catch (QueryException ex) {
                span.error(ex);
                throw toApiError(ex, true);
            }
            resultSize(span, result);
        }
        return respond(result, limit, !params.get("stats").isEmpty());
    }

    ApiResponses.Body queryRange(Params params) {
        int limit = params.limit();
        long start = params.time("start");
        long end = params.time("end");
        long step;
        try {
            // The engine's checks, called here in Prometheus's order: end before step is parsed, step before timeout.
            RangeLimits.checkEnd(start, end);
            step = params.duration("step");
            RangeLimits.checkStep(start, end, step);
        } catch (QueryException ex) {
            throw toApiError(ex, false);
        }
        long timeout = timeout(params);
        long maxResolution = maxSourceResolution(params);
        String query = params.get("query");
        QueryEngine e = engine.get();
        Storage s = storage.get();
        QueryResult result;
        Tracer t = tracer.get();
        try (TraceSpan span = t.enabled() ? t.start("promqlRangeQuery").attribute("query", query)
                .attribute("timeout", params.get("timeout")).attribute("start", rfc3339(start)).attribute("end", rfc3339(end))
                .attribute("step", io.promethium.goformat.GoDurations.format(java.time.Duration.ofMillis(step))) : TraceSpan.NONE) {
            try {
                result = bounded(e, timeout, maxResolution).rangeQuery(s, query, start, end, step);
            } catch (QueryException ex) {
                span.error(ex);
                throw toApiError(ex, false);
            }
            resultSize(span, result);
        }
        return respond(result, limit, !params.get("stats").isEmpty());
    }

    /** Prometheus's {@code result_series} and {@code total_samples} of a query's span. */
    private static void resultSize(TraceSpan span, QueryResult result) {
        if (span == TraceSpan.NONE) {
            return;
        }
        int series = switch (result.value()) {
            case RangeMatrix m -> m.series().size();
            case InstantVector v -> v.samples().size();
            default -> 0;
        };
        span.attribute("result_series", series).attribute("total_samples", result.stats().totalQueryableSamples());
    }

    /** Go's {@code time.RFC3339Nano} in UTC: fraction digits without trailing zeros. */
    static String rfc3339(long millis) {
        String text = java.time.Instant.ofEpochMilli(millis).toString();
        int dot = text.indexOf('.');
        if (dot < 0) {
            return text;
        }
        int end = text.length() - 1; // the 'Z'
        int last = end;
        while (last > dot + 1 && text.charAt(last - 1) == '0') {
            last--;
        }
        return text.substring(0, last == dot + 1 ? dot : last) + "Z";
    }

    /**
     * The engine bounded by the request's {@code timeout} parameter too (the engine keeps the one
     * deadline), its selects hinting the request's {@code max_source_resolution}.
     */
    private static QueryEngine bounded(QueryEngine e, long timeoutMillis, long maxSourceResolution) {
        QueryEngine bounded = timeoutMillis <= 0 ? e : e.withTimeout(java.time.Duration.ofMillis(timeoutMillis));
        return maxSourceResolution == SelectHints.AUTO ? bounded : bounded.withMaxSourceResolution(maxSourceResolution);
    }

    /**
     * {@code max_source_resolution}, as Thanos's: {@code auto} (the default: the storage picks
     * from the step), {@code raw} (or {@code 0s}) for raw samples only, or a duration such as
     * {@code 5m}, the coarsest downsampled resolution the storage may read.
     */
    static long maxSourceResolution(Params params) {
        String v = params.get("max_source_resolution").trim();
        if (v.isEmpty() || v.equals("auto")) {
            return SelectHints.AUTO;
        }
        if (v.equals("raw")) {
            return SelectHints.RAW;
        }
        long d;
        try {
            d = Params.parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw Params.invalidParam("max_source_resolution", "expected raw, auto or a duration such as 5m: " + e.getMessage());
        }
        if (d < 0) {
            throw Params.invalidParam("max_source_resolution", "must not be negative");
        }
        return d;
    }

    private static long timeout(Params params) {
        return params.get("timeout").isEmpty() ? 0 : params.duration("timeout");
    }

    /**
     * Maps an engine failure to the API error. A parameter's error names it ({@code end},
     * {@code step}); otherwise Prometheus names the {@code query} parameter in bad_data (parse and
     * type errors) of instant queries only; range queries give the bare message.
     */
    static ApiError toApiError(QueryException e, boolean instant) {
        ApiError.Type type = ApiError.Type.ofWireName(e.errorType());
        String message = e.getMessage();
        if (!e.parameter().isEmpty()) {
            return Params.invalidParam(e.parameter(), message);
        }
        String limit = QueryLimits.limitOf(e);
        if (type == ApiError.Type.BAD_DATA && instant) {
            ApiError invalid = Params.invalidParam("query", message);
            return new ApiError(invalid.type(), invalid.getMessage(), limit);
        }
        return new ApiError(type, message, limit);
    }

    /** The whole response object's fields. */
    private ApiResponses.Body respond(QueryResult result, int limit, boolean stats) {
        Value value = result.value();
        List<String> warnings = new ArrayList<>(result.warnings());
        if (limit > 0) {
            Value truncated = truncate(value, limit);
            if (truncated != value) {
                warnings.add("results truncated due to limit");
                value = truncated;
            }
        }
        Value shown = value;
        return g -> {
            PromJson json = new PromJson(g);
            g.writeStringField("status", "success");
            g.writeObjectFieldStart("data");
            g.writeStringField("resultType", shown.typeName());
            g.writeFieldName("result");
            ResultJson.write(json, g, shown, spelledBytes);
            if (stats) {
                g.writeObjectFieldStart("stats");
                g.writeObjectFieldStart("timings");
                double eval = result.stats().evalNanos() / 1e9;
                double queue = result.stats().queueNanos() / 1e9;
                g.writeNumberField("evalTotalTime", eval);
                g.writeNumberField("resultSortTime", 0.0);
                g.writeNumberField("queryPreparationTime", 0.0);
                g.writeNumberField("innerEvalTime", eval);
                g.writeNumberField("execQueueTime", queue);
                g.writeNumberField("execTotalTime", eval + queue);
                g.writeEndObject();
                g.writeObjectFieldStart("samples");
                g.writeNumberField("totalQueryableSamples", result.stats().totalQueryableSamples());
                g.writeNumberField("peakSamples", result.stats().peakSamples());
                g.writeEndObject();
                // Promethium's own: the coarsest downsampled resolution read, "raw" when none.
                long res = result.stats().resolution();
                g.writeStringField("resolution", res == 0 ? "raw" : io.promethium.api.config.Durations.format(java.time.Duration.ofMillis(res)));
                g.writeEndObject();
            }
            g.writeEndObject();
            ApiResponses.annotations(g, warnings, result.infos());
        };
    }

    private static Value truncate(Value value, int limit) {
        return switch (value) {
            case InstantVector v when v.samples().size() > limit -> new InstantVector(v.samples().subList(0, limit));
            case RangeMatrix m when m.series().size() > limit -> new RangeMatrix(m.series().subList(0, limit));
            default -> value;
        };
    }
}
