package io.promethium.web.internal.series;

import io.promethium.promql.ast.Expr;
import io.promethium.promql.parser.ParseException;
import io.promethium.promql.parser.PromQLParser;
import io.promethium.web.internal.api.ApiError;
import io.promethium.web.internal.api.ApiResponses;
import io.promethium.web.internal.api.Params;
import jakarta.ws.rs.core.UriInfo;
import org.glassfish.jersey.server.ContainerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/**
 * {@code /api/v1/query_exemplars}. The storage keeps no exemplars yet, so a valid request gets an
 * empty list; parameters are still checked as Prometheus checks them.
 */
@Path("/api/v1")
public final class ExemplarsResource {

    @GET
    @Path("query_exemplars")
    public Response get(@Context UriInfo uri) {
        return exemplars(new Params(uri));
    }

    @POST
    @Path("query_exemplars")
    public Response post(@Context UriInfo uri, @Context ContainerRequest request) {
        return exemplars(Params.post(uri, request));
    }

    private static Response exemplars(Params params) {
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
            return Response.noContent().build();
        }
        return ApiResponses.success(g -> {
            g.writeStartArray();
            g.writeEndArray();
        });
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
