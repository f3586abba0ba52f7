package io.promethium.web.internal.series;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.web.internal.api.ApiError;
import io.promethium.web.internal.api.ApiResponses;
import io.promethium.web.internal.api.GoQuote;
import io.promethium.web.internal.api.Params;
import io.promethium.web.internal.api.PromJson;
import jakarta.ws.rs.core.UriInfo;
import org.glassfish.jersey.server.ContainerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Supplier;

/** {@code /api/v1/series}, {@code /api/v1/labels} and {@code /api/v1/label/<name>/values}: the storage's index. */
@Path("/api/v1")
public final class SeriesResource {

    static final String TRUNCATED = "results truncated due to limit";

    private final Supplier<Storage> storage;

    public SeriesResource(Supplier<Storage> storage) {
        this.storage = Objects.requireNonNull(storage, "storage is null");
    }

    @GET
    @Path("series")
    public Response seriesGet(@Context UriInfo uri) {
        return series(new Params(uri));
    }

    @POST
    @Path("series")
    public Response seriesPost(@Context UriInfo uri, @Context ContainerRequest request) {
        return series(Params.post(uri, request));
    }

    @GET
    @Path("labels")
    public Response labelsGet(@Context UriInfo uri) {
        return labels(new Params(uri));
    }

    @POST
    @Path("labels")
    public Response labelsPost(@Context UriInfo uri, @Context ContainerRequest request) {
        return labels(Params.post(uri, request));
    }

    @GET
    @Path("label/{name}/values")
    public Response labelValues(@PathParam("name") String name, @Context UriInfo uri) {
        if (name.isEmpty()) {
            throw new ApiError(ApiError.Type.BAD_DATA, "invalid label name: " + GoQuote.quote(name));
        }
        Params params = new Params(uri);
        long start = params.timeOr("start", Params.MIN_TIME);
        long end = params.timeOr("end", Params.MAX_TIME);
        List<List<Matcher>> sets = params.matchers("match[]", false);
        int limit = params.limit();
        TreeSet<String> values = new TreeSet<>();
        try (Querier q = storage.get().querier(start, end)) {
            if (sets.isEmpty()) {
                values.addAll(q.labelValues(name, List.of()));
            } else {
                for (List<Matcher> set : sets) {
                    values.addAll(q.labelValues(name, set));
                }
            }
        }
        return strings(values, limit);
    }

    private Response labels(Params params) {
        long start = params.timeOr("start", Params.MIN_TIME);
        long end = params.timeOr("end", Params.MAX_TIME);
        List<List<Matcher>> sets = params.matchers("match[]", false);
        int limit = params.limit();
        TreeSet<String> names = new TreeSet<>();
        try (Querier q = storage.get().querier(start, end)) {
            if (sets.isEmpty()) {
                names.addAll(q.labelNames(List.of()));
            } else {
                for (List<Matcher> set : sets) {
                    names.addAll(q.labelNames(set));
                }
            }
        }
        return strings(names, limit);
    }

    private static Response strings(TreeSet<String> values, int limit) {
        List<String> warnings = new ArrayList<>();
        List<String> shown = new ArrayList<>(values);
        if (limit > 0 && shown.size() > limit) {
            shown = shown.subList(0, limit);
            warnings.add(TRUNCATED);
        }
        List<String> out = shown;
        return ApiResponses.success(g -> {
            g.writeStartArray();
            for (String v : out) {
                g.writeString(v);
            }
            g.writeEndArray();
        }, warnings);
    }

    private Response series(Params params) {
        if (params.all("match[]").isEmpty()) {
            throw new ApiError(ApiError.Type.BAD_DATA, "no match[] parameter provided");
        }
        long start = params.timeOr("start", Params.MIN_TIME);
        long end = params.timeOr("end", Params.MAX_TIME);
        List<List<Matcher>> sets = params.matchers("match[]", true);
        int limit = params.limit();
        TreeSet<Labels> found = new TreeSet<>();
        List<String> warnings = new ArrayList<>();
        try (Querier q = storage.get().querier(start, end)) {
            SelectHints hints = new SelectHints(start, end, 0, "series", 0, List.of(), false);
            for (List<Matcher> set : sets) {
                SeriesSet ss = q.select(true, hints, set);
                while (ss.next()) {
                    found.add(ss.at().labels());
                }
                if (ss.error() != null) {
                    throw new ApiError(ApiError.Type.EXECUTION, String.valueOf(ss.error().getMessage()));
                }
                warnings.addAll(ss.warnings());
            }
        }
        List<Labels> shown = new ArrayList<>(found);
        if (limit > 0 && shown.size() > limit) {
            shown = shown.subList(0, limit);
            warnings.add(TRUNCATED);
        }
        List<Labels> out = shown;
        return ApiResponses.success(g -> {
            PromJson json = new PromJson(g);
            g.writeStartArray();
            for (Labels l : out) {
                json.labels(l);
            }
            g.writeEndArray();
        }, warnings);
    }
}
