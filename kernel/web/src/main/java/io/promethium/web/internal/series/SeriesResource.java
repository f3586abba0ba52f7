package io.promethium.web.internal.series;

import io.promethium.goformat.GoStrings;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.api.web.HttpRoutes;
import io.promethium.exposition.NameEscaping;
import io.promethium.web.internal.api.ApiError;
import io.promethium.web.internal.api.ApiRoute;
import io.promethium.web.internal.api.ApiResponses;
import io.promethium.web.internal.api.Params;
import io.promethium.web.internal.api.PromJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code /api/v1/series}, {@code /api/v1/labels} and {@code /api/v1/label/<name>/values}: the
 * storage view's index (the primary storage and the remote-read secondaries, whose failures and
 * unanswerable label calls become warnings), served as {@link ApiRoute}s (a dashboard asks for
 * them often).
 */
public final class SeriesResource {

    static final String TRUNCATED = "results truncated due to limit";

    private final Supplier<Storage> storage;

    public SeriesResource(Supplier<Storage> storage) {
        this.storage = Objects.requireNonNull(storage, "storage is null");
    }

    /**
     * The three routes; form bodies larger than {@code formLimit} bytes are refused; with
     * {@code agent}, they answer as Prometheus's agent does.
     */
    public List<HttpRoutes> routes(long formLimit, boolean agent) {
        return List.of(ApiRoute.of("/api/v1/series", true, (p, segment) -> series(p), formLimit, agent),
                ApiRoute.of("/api/v1/labels", true, (p, segment) -> labels(p), formLimit, agent),
                // Prometheus serves label values for GET only.
                ApiRoute.templated("/api/v1/label", "/values", false, this::labelValues, formLimit, agent));
    }

    /**
     * As Prometheus 3: a name given as {@code U__...} is decoded with the {@code values} escaping
     * (the API's way to name a label with a {@code /} or other characters awkward in a path; a
     * malformed escape stays as it came, as Go's {@code UnescapeName} leaves it), then it must be
     * a valid UTF-8 label name (non-empty, valid UTF-8) whatever the validation scheme.
     */
    private ApiResponses.Body labelValues(Params params, String segment) {
        String name = segment.startsWith("U__") ? NameEscaping.VALUES.unescape(segment) : segment;
        if (!isValidUtf8LabelName(name)) {
            throw new ApiError(ApiError.Type.BAD_DATA, "invalid label name: " + GoStrings.quote(name));
        }
        long start = params.timeOr("start", Params.MIN_TIME);
        long end = params.timeOr("end", Params.MAX_TIME);
        List<List<Matcher>> sets = params.matchers("match[]", false);
        int limit = params.limit();
        List<String> values;
        List<String> warnings;
        try (Querier q = storage.get().querier(start, end)) {
            if (sets.isEmpty()) {
                values = q.labelValues(name, List.of());
            } else {
                values = List.of();
                for (List<Matcher> set : sets) {
                    values = Labels.sortedUnion(values, q.labelValues(name, set), Labels.STRING_ORDER);
                }
            }
            warnings = q.warnings();
        }
        return strings(values, limit, warnings);
    }

    /**
     * Go's {@code UTF8Validation.IsValidLabelName}: non-empty and valid UTF-8; a byte that was not
     * valid UTF-8 in the path is an unpaired surrogate here.
     */
    static boolean isValidUtf8LabelName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private ApiResponses.Body labels(Params params) {
        long start = params.timeOr("start", Params.MIN_TIME);
        long end = params.timeOr("end", Params.MAX_TIME);
        List<List<Matcher>> sets = params.matchers("match[]", false);
        int limit = params.limit();
        List<String> names;
        List<String> warnings;
        try (Querier q = storage.get().querier(start, end)) {
            if (sets.isEmpty()) {
                names = q.labelNames(List.of());
            } else {
                names = List.of();
                for (List<Matcher> set : sets) {
                    names = Labels.sortedUnion(names, q.labelNames(set), Labels.STRING_ORDER);
                }
            }
            warnings = q.warnings();
        }
        return strings(names, limit, warnings);
    }

    /**
     * A sorted selection's label sets in a list, as they come (the querier's contract: sorted and
     * distinct), sorted again only if they are not. Not a tree: at millions of series its nodes,
     * young objects kept for the whole request, were copied by every young collection (pauses of
     * 1-1.8 s at 10M series, distribution/bench/many-series), where the list's one large array is
     * allocated outside the young generation.
     */
    private static List<Labels> sortedDistinct(SeriesSet ss) {
        ArrayList<Labels> out = new ArrayList<>();
        boolean sorted = true;
        Labels last = null;
        while (ss.next()) {
            Labels l = ss.at().labels();
            int c = last == null ? 1 : l.compareTo(last);
            if (c == 0) {
                continue;
            }
            sorted &= c > 0;
            out.add(l);
            last = l;
        }
        if (!sorted) {
            java.util.TreeSet<Labels> distinct = new java.util.TreeSet<>(out);
            return new ArrayList<>(distinct);
        }
        return out;
    }

    /** The values, cut at {@code limit}, with the storage's warnings (a remote that cannot answer label calls). */
    private static ApiResponses.Body strings(List<String> values, int limit, List<String> storageWarnings) {
        List<String> warnings = new ArrayList<>(storageWarnings);
        List<String> shown = values;
        if (limit > 0 && shown.size() > limit) {
            shown = shown.subList(0, limit);
            warnings.add(TRUNCATED);
        }
        List<String> out = shown;
        return ApiResponses.successFields(g -> {
            g.writeStartArray();
            for (int i = 0, n = out.size(); i < n; i++) {
                g.writeString(out.get(i));
            }
            g.writeEndArray();
        }, warnings);
    }

    private ApiResponses.Body series(Params params) {
        if (params.all("match[]").isEmpty()) {
            throw new ApiError(ApiError.Type.BAD_DATA, "no match[] parameter provided");
        }
        long start = params.timeOr("start", Params.MIN_TIME);
        long end = params.timeOr("end", Params.MAX_TIME);
        List<List<Matcher>> sets = params.matchers("match[]", true);
        int limit = params.limit();
        List<Labels> found = List.of();
        // Distinct, as Prometheus's annotations: a remote failing for every match[] set warns once.
        java.util.LinkedHashSet<String> storageWarnings = new java.util.LinkedHashSet<>();
        try (Querier q = storage.get().querier(start, end)) {
            SelectHints hints = new SelectHints(start, end, 0, "series", 0, List.of(), false);
            for (List<Matcher> set : sets) {
                SeriesSet ss = q.select(true, hints, set);
                found = Labels.sortedUnion(found, sortedDistinct(ss), Labels::compareTo);
                if (ss.error() != null) {
                    // A regex too expensive for a label value is the request's fault, refused by that limit.
                    throw new ApiError(ApiError.Type.EXECUTION, String.valueOf(ss.error().getMessage()),
                            io.promethium.api.model.RegexTooExpensiveException.in(ss.error()) != null
                                    ? io.promethium.web.internal.metrics.Refusals.REGEX_COST : null);
                }
                storageWarnings.addAll(ss.warnings());
            }
        }
        List<String> warnings = new ArrayList<>(storageWarnings);
        List<Labels> shown = found;
        if (limit > 0 && shown.size() > limit) {
            shown = shown.subList(0, limit);
            warnings.add(TRUNCATED);
        }
        List<Labels> out = shown;
        return ApiResponses.successFields(g -> {
            PromJson json = new PromJson(g);
            g.writeStartArray();
            for (Labels l : out) {
                json.labels(l);
            }
            g.writeEndArray();
        }, warnings);
    }
}
