package io.promethium.web.internal.series;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.ExemplarQueryable;
import io.promethium.api.storage.ExemplarQueryable.SeriesExemplars;
import io.promethium.goformat.GoFloat;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.parser.ParseException;
import io.promethium.promql.parser.PromQLParser;
import io.promethium.web.internal.api.ApiError;
import io.promethium.web.internal.api.Params;
import io.promethium.web.internal.api.PromJson;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.IOException;

/**
 * {@code /api/v1/query_exemplars}: the exemplars the storage keeps (its {@link ExemplarQueryable}
 * service) of the series every selector of the query selects, in {@code [start, end]}. Without such
 * a service the answer is an empty list, as Prometheus's without exemplar storage.
 */
public final class ExemplarsResource implements Endpoints {

    private final Supplier<ExemplarQueryable> exemplars;

    /** Without an exemplar store: every valid query answers an empty list. */
    public ExemplarsResource() {
        this(() -> null);
    }

    /** {@code exemplars} gives the current store, or null when none is registered. */
    public ExemplarsResource(Supplier<ExemplarQueryable> exemplars) {
        this.exemplars = exemplars;
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        return List.of(Router.under("/api/v1/query_exemplars").formLimit(formLimit).agent(agent)
                .get("/api/v1/query_exemplars", this::exemplars).post("/api/v1/query_exemplars", this::exemplars).build());
    }

    private void exemplars(Router.Call call) throws IOException {
        Params params = call.exchange().method().equals("POST") ? call.params() : call.query();
        long start = params.timeOr("start", Params.MIN_TIME);
        long end = params.timeOr("end", Params.MAX_TIME);
        if (end < start) {
            throw new ApiError(ApiError.Type.BAD_DATA, "end timestamp must not be before start timestamp");
        }
        Expr expr;
        try {
            expr = PromQLParser.parseExpr(params.get("query"));
        } catch (ParseException e) {
            throw new ApiError(ApiError.Type.BAD_DATA, e.getMessage());
        }
        if (!containsSelector(expr)) {
            // Prometheus returns no data here, which its router turns into 204 No Content.
            call.empty(204);
            return;
        }
        List<List<Matcher>> matcherSets = new ArrayList<>();
        collectSelectors(expr, matcherSets);
        ExemplarQueryable store = exemplars.get();
        List<SeriesExemplars> found = store == null ? List.of() : store.selectExemplars(start, end, matcherSets);
        call.success(g -> {
            PromJson json = new PromJson(g);
            g.writeStartArray();
            for (SeriesExemplars series : found) {
                g.writeStartObject();
                g.writeFieldName("seriesLabels");
                json.labels(series.seriesLabels());
                g.writeArrayFieldStart("exemplars");
                for (Exemplar e : series.exemplars()) {
                    g.writeStartObject();
                    g.writeFieldName("labels");
                    json.labels(e.labels());
                    g.writeStringField("value", GoFloat.formatJson(e.value()));
                    g.writeFieldName("timestamp");
                    json.timestamp(e.timestamp());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    /** The matchers of every vector selector, as Prometheus's exemplar API gathers them. */
    private static void collectSelectors(Expr expr, List<List<Matcher>> out) {
        switch (expr) {
            case io.promethium.promql.ast.VectorSelector v -> out.add(v.matchers());
            case io.promethium.promql.ast.MatrixSelector m -> collectSelectors(m.selector(), out);
            case io.promethium.promql.ast.SubqueryExpr s -> collectSelectors(s.expr(), out);
            case io.promethium.promql.ast.AggregateExpr a -> {
                collectSelectors(a.expr(), out);
                if (a.param() != null) {
                    collectSelectors(a.param(), out);
                }
            }
            case io.promethium.promql.ast.BinaryExpr b -> {
                collectSelectors(b.lhs(), out);
                collectSelectors(b.rhs(), out);
            }
            case io.promethium.promql.ast.Call c -> c.args().forEach(arg -> collectSelectors(arg, out));
            case io.promethium.promql.ast.ParenExpr p -> collectSelectors(p.expr(), out);
            case io.promethium.promql.ast.UnaryExpr u -> collectSelectors(u.expr(), out);
            default -> {
            }
        }
    }

    private static boolean containsSelector(Expr expr) {
        return switch (expr) {
            case io.promethium.promql.ast.VectorSelector v -> true;
            case io.promethium.promql.ast.MatrixSelector m -> true;
            case io.promethium.promql.ast.SubqueryExpr s -> containsSelector(s.expr());
            case io.promethium.promql.ast.AggregateExpr a -> containsSelector(a.expr()) || (a.param() != null && containsSelector(a.param()));
            case io.promethium.promql.ast.BinaryExpr b -> containsSelector(b.lhs()) || containsSelector(b.rhs());
            case io.promethium.promql.ast.Call c -> c.args().stream().anyMatch(ExemplarsResource::containsSelector);
            case io.promethium.promql.ast.ParenExpr p -> containsSelector(p.expr());
            case io.promethium.promql.ast.UnaryExpr u -> containsSelector(u.expr());
            default -> false;
        };
    }
}
