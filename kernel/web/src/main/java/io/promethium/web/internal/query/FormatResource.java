package io.promethium.web.internal.query;

import io.promethium.promql.ast.Expr;
import io.promethium.promql.parser.ParseException;
import io.promethium.promql.parser.PromQLParser;
import io.promethium.promql.printer.PromQLPrinter;
import io.promethium.web.internal.api.ApiResponses;
import io.promethium.web.internal.api.Params;
import jakarta.ws.rs.core.UriInfo;
import org.glassfish.jersey.server.ContainerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/** {@code /api/v1/format_query} (the prettified query) and {@code /api/v1/parse_query} (its syntax tree). */
@Path("/api/v1")
public final class FormatResource {

    @GET
    @Path("format_query")
    public Response formatGet(@Context UriInfo uri) {
        return format(new Params(uri));
    }

    @POST
    @Path("format_query")
    public Response formatPost(@Context UriInfo uri, @Context ContainerRequest request) {
        return format(Params.post(uri, request));
    }

    @GET
    @Path("parse_query")
    public Response parseGet(@Context UriInfo uri) {
        return parse(new Params(uri));
    }

    @POST
    @Path("parse_query")
    public Response parsePost(@Context UriInfo uri, @Context ContainerRequest request) {
        return parse(Params.post(uri, request));
    }

    private static Response format(Params params) {
        String pretty = PromQLPrinter.prettify(parseQuery(params));
        return ApiResponses.success(g -> g.writeString(pretty));
    }

    private static Response parse(Params params) {
        Expr expr = parseQuery(params);
        return ApiResponses.success(g -> AstJson.write(g, expr));
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
