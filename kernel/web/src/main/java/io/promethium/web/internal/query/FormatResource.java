package io.promethium.web.internal.query;

import io.promethium.promql.ast.Expr;
import io.promethium.promql.parser.ParseException;
import io.promethium.promql.parser.PromQLParser;
import io.promethium.promql.printer.PromQLPrinter;
import io.promethium.web.internal.api.Params;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.IOException;
import java.util.List;

/** {@code /api/v1/format_query} (the prettified query) and {@code /api/v1/parse_query} (its syntax tree). */
public final class FormatResource implements Endpoints {

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        return List.of(Router.under("/api/v1/format_query").formLimit(formLimit).agent(agent)
                        .get("/api/v1/format_query", this::format).post("/api/v1/format_query", this::format).build(),
                Router.under("/api/v1/parse_query").formLimit(formLimit).agent(agent)
                        .get("/api/v1/parse_query", this::parse).post("/api/v1/parse_query", this::parse).build());
    }

    private void format(Router.Call call) throws IOException {
        String pretty = PromQLPrinter.prettify(parseQuery(params(call)));
        call.success(g -> g.writeString(pretty));
    }

    private void parse(Router.Call call) throws IOException {
        Expr expr = parseQuery(params(call));
        call.success(g -> AstJson.write(g, expr));
    }

    /** The URL's parameters for a GET; a POST's form body first, as Go's {@code r.FormValue}. */
    private static Params params(Router.Call call) throws IOException {
        return call.exchange().method().equals("POST") ? call.params() : call.query();
    }

    private static Expr parseQuery(Params params) {
        try {
            return PromQLParser.parseExpr(params.get("query"));
        } catch (ParseException e) {
            throw Params.invalidParam("query", e.getMessage());
        } catch (RuntimeException e) {
            throw Params.invalidParam("query", "1:1: parse error: " + e.getMessage());
        }
    }
}
