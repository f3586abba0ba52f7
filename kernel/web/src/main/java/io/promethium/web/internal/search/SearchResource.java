package io.promethium.web.internal.search;

import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.RegexTooExpensiveException;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Storage;
import io.promethium.goformat.GoFloat;
import io.promethium.goformat.GoStrings;
import io.promethium.scrape.ScrapeTargets;
import io.promethium.scrape.TargetMetadata;
import io.promethium.web.internal.api.AgentMode;
import io.promethium.web.internal.api.ApiError;
import io.promethium.web.internal.api.ApiResponses;
import io.promethium.web.internal.api.Params;
import io.promethium.web.internal.metrics.Refusals;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Prometheus 3.14's search API ({@code web/api/v1/search.go}): {@code /api/v1/search/metric_names},
 * {@code label_names} and {@code label_values}, GET or form POST, enabled by
 * {@code --enable-feature=search-api}. The names or values come from the storage view's label
 * calls, as {@code /api/v1/labels} and {@code /api/v1/label/<name>/values} get them (the union
 * over the {@code match[]} sets), then are filtered and scored by the {@code search[]} terms
 * ({@link SearchFilter}), ordered, and cut at {@code limit}, with {@code has_more} saying whether
 * more matched. The answer is Prometheus's NDJSON stream: batches of {@code batch_size} results
 * (the first always written, carrying the storage's warnings), then the trailer. Errors found
 * before the stream starts are Prometheus's usual JSON error.
 */
public final class SearchResource implements Endpoints {

    static final String CONTENT_TYPE = "application/x-ndjson; charset=utf-8";
    private static final int DEFAULT_LIMIT = 100;
    private static final int DEFAULT_BATCH_SIZE = 100;
    private static final int MAX_SEARCH_TERMS = 32;
    private static final List<String> FUZZ_ALGORITHMS = List.of("subsequence", "jarowinkler");

    private final Supplier<Storage> storage;
    private final Supplier<ScrapeTargets> targets;
    private final boolean enabled;
    private final long maxLimit;
    private final Clock clock;

    /**
     * @param targets the scrape manager, or a supplier of null when there is none (no metadata then)
     * @param enabled {@code --enable-feature=search-api}
     * @param maxLimit {@code --web.search.max-limit} (0: no cap)
     */
    public SearchResource(Supplier<Storage> storage, Supplier<ScrapeTargets> targets, boolean enabled, long maxLimit, Clock clock) {
        this.storage = Objects.requireNonNull(storage, "storage is null");
        this.targets = Objects.requireNonNull(targets, "targets is null");
        if (maxLimit < 0) {
            throw new IllegalArgumentException("--web.search.max-limit must be non-negative; got " + maxLimit
                    + " (use 0 to disable the cap)");
        }
        this.enabled = enabled;
        this.maxLimit = maxLimit;
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** The algorithms {@code fuzz_alg} takes, as Prometheus's {@code FuzzAlgorithms()}. */
    public static List<String> fuzzAlgorithms() {
        return FUZZ_ALGORITHMS;
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        Router.Builder b = Router.under("/api/v1/search").formLimit(formLimit);
        for (String endpoint : List.of("metric_names", "label_names", "label_values")) {
            Router.Handler h = call -> search(call, endpoint, agent);
            b.get("/api/v1/search/" + endpoint, h).post("/api/v1/search/" + endpoint, h);
        }
        // Not the router's agent refusal: Prometheus says "search API disabled" before it.
        return List.of(b.build());
    }

    /** The parameters every search endpoint takes ({@code searchParams}). */
    record SearchParams(List<List<Matcher>> matcherSets, SearchFilter filter, String sortBy,
                        String sortDir, boolean includeScore, long start, long end, long limit, long batchSize) {
    }

    private record Result(String value, double score) {
    }

    private void search(Router.Call call, String endpoint, boolean agent) throws IOException {
        if (!enabled) {
            // Prometheus 3 answers its "unavailable" errors with 500 (getDefaultErrorCode has no case for them).
            call.respond(500, "application/json", "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"search API disabled\"}");
            return;
        }
        if (agent) {
            throw new ApiError(ApiError.Type.EXECUTION, AgentMode.MESSAGE);
        }
        Params params = call.params();
        SearchParams sp = parse(params);
        if (!sp.sortBy().isEmpty() && !sp.sortBy().equals("alpha") && !sp.sortBy().equals("score")) {
            throw new ApiError(ApiError.Type.BAD_DATA, "invalid sort_by " + GoStrings.quote(sp.sortBy()) + " for "
                    + endpoint + ": must be \"alpha\" or \"score\"");
        }
        boolean includeMetadata = false;
        String label = null;
        switch (endpoint) {
            case "metric_names" -> {
                includeMetadata = bool(params, "include_metadata", false);
                label = "__name__";
            }
            case "label_values" -> {
                label = params.get("label");
                if (label.isEmpty()) {
                    throw new ApiError(ApiError.Type.BAD_DATA, "missing required parameter \"label\"");
                }
            }
            default -> {
            }
        }
        List<String> values;
        List<String> warnings;
        try (Querier q = storage.get().querier(sp.start(), sp.end())) {
            values = List.of();
            List<List<Matcher>> sets = sp.matcherSets().isEmpty() ? List.of(List.of()) : sp.matcherSets();
            for (List<Matcher> set : sets) {
                values = Labels.sortedUnion(values, label == null ? q.labelNames(set) : q.labelValues(label, set), Labels.STRING_ORDER);
            }
            warnings = new ArrayList<>(new java.util.TreeSet<>(q.warnings()));
        } catch (ApiError e) {
            throw e;
        } catch (RuntimeException e) {
            // Prometheus's returnAPIError: a storage error is "execution"; a regex too costly the request's fault.
            throw new ApiError(ApiError.Type.EXECUTION, String.valueOf(e.getMessage()),
                    RegexTooExpensiveException.in(e) != null ? Refusals.REGEX_COST : null);
        }
        List<Result> results = select(values, sp);
        boolean hasMore = results.size() > sp.limit();
        List<Result> shown = hasMore ? results.subList(0, (int) sp.limit()) : results;
        Map<String, Metadata> metadata = includeMetadata && !shown.isEmpty() ? metadata() : Map.of();
        String field = endpoint.equals("label_values") ? "value" : "name";
        call.stream(200, CONTENT_TYPE, out -> writeStream(out, shown, warnings, hasMore, field, sp, metadata));
    }

    /** Filtered, scored and ordered, as Prometheus's {@code ApplySearchHints} and merge leave them. */
    private static List<Result> select(List<String> values, SearchParams sp) {
        List<Result> out = new ArrayList<>();
        SearchFilter filter = sp.filter();
        for (String v : values) {
            if (filter == null) {
                out.add(new Result(v, 1.0));
            } else {
                SearchFilter.Verdict verdict = filter.accept(v);
                if (verdict.accepted()) {
                    out.add(new Result(v, verdict.score()));
                }
            }
        }
        // The storage's values are sorted ascending; other orders are applied here.
        if (sp.sortBy().equals("score")) {
            out.sort(Comparator.comparingDouble(Result::score).reversed().thenComparing(Result::value));
        } else if (sp.sortBy().equals("alpha") && sp.sortDir().equals("dsc")) {
            java.util.Collections.reverse(out);
        }
        return out;
    }

    private static void writeStream(OutputStream raw, List<Result> results, List<String> warnings, boolean hasMore,
                                    String field, SearchParams sp, Map<String, Metadata> metadata) throws IOException {
        OutputStream out = new FilterOutputStream(raw) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                this.out.write(b, off, len);
            }

            @Override
            public void close() {
                // The generator closes per line; the response stays open until the stream ends.
            }
        };
        int i = 0;
        boolean first = true;
        do {
            int end = (int) Math.min(results.size(), i + sp.batchSize());
            List<Result> batch = results.subList(i, end);
            List<String> batchWarnings = first ? warnings : List.of();
            line(out, g -> {
                g.writeArrayFieldStart("results");
                for (Result r : batch) {
                    g.writeStartObject();
                    g.writeStringField(field, r.value());
                    if (sp.includeScore()) {
                        g.writeFieldName("score");
                        g.writeRawValue(GoFloat.formatJson(r.score()));
                    }
                    Metadata md = metadata.get(r.value());
                    if (md != null) {
                        g.writeStringField("type", md.type().name().toLowerCase(Locale.ROOT).replace("_", ""));
                        if (!md.help().isEmpty()) {
                            g.writeStringField("help", md.help());
                        }
                        if (!md.unit().isEmpty()) {
                            g.writeStringField("unit", md.unit());
                        }
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                if (!batchWarnings.isEmpty()) {
                    g.writeArrayFieldStart("warnings");
                    for (String w : batchWarnings) {
                        g.writeString(w);
                    }
                    g.writeEndArray();
                }
            });
            out.flush();
            i = end;
            first = false;
        } while (i < results.size());
        line(out, g -> {
            g.writeStringField("status", "success");
            g.writeBooleanField("has_more", hasMore);
        });
        out.flush();
    }

    private static void line(OutputStream out, ApiResponses.Body fields) throws IOException {
        try (JsonGenerator g = ApiResponses.generator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        }
        out.write('\n');
    }

    /**
     * Each metric family's metadata as the active targets expose it, the first seen of each
     * (Prometheus's {@code buildMetricMetadataMap}); none without a scrape manager.
     */
    private Map<String, Metadata> metadata() {
        ScrapeTargets scrape = targets.get();
        if (scrape == null) {
            return Map.of();
        }
        Map<String, Metadata> out = new HashMap<>();
        for (TargetMetadata m : scrape.targetMetadata()) {
            out.putIfAbsent(m.metric(), m.metadata());
        }
        return out;
    }

    /** Prometheus's {@code parseSearchParams}, its checks in its order and with its words. */
    SearchParams parse(Params params) {
        long now = clock.millis();
        long start = time(params, "start", now - 3_600_000L);
        long end = time(params, "end", now);
        if (end < start) {
            throw new ApiError(ApiError.Type.BAD_DATA, "end timestamp must not be before start timestamp");
        }
        List<List<Matcher>> sets = params.matchers("match[]", false);
        List<String> searches = params.all("search[]");
        if (searches.size() > MAX_SEARCH_TERMS) {
            throw new ApiError(ApiError.Type.BAD_DATA, "too many search[] terms: got " + searches.size()
                    + ", maximum is " + MAX_SEARCH_TERMS);
        }
        int threshold = 0;
        String ft = params.get("fuzz_threshold");
        if (!ft.isEmpty()) {
            Long v = atoi(ft);
            if (v == null || v < 0 || v > 100) {
                throw new ApiError(ApiError.Type.BAD_DATA, "invalid fuzz_threshold " + GoStrings.quote(ft) + ": must be 0-100");
            }
            threshold = v.intValue();
        }
        String algorithm = "subsequence";
        String alg = params.get("fuzz_alg");
        if (!alg.isEmpty()) {
            if (!FUZZ_ALGORITHMS.contains(alg)) {
                throw new ApiError(ApiError.Type.BAD_DATA, "unsupported fuzz_alg " + GoStrings.quote(alg)
                        + ": must be one of [" + String.join(" ", FUZZ_ALGORITHMS) + "]");
            }
            algorithm = alg;
        }
        boolean caseSensitive = bool(params, "case_sensitive", true);
        boolean includeScore = bool(params, "include_score", false);
        String sortBy = params.get("sort_by");
        String sortDir = params.get("sort_dir");
        if (!sortDir.isEmpty() && sortBy.isEmpty()) {
            throw new ApiError(ApiError.Type.BAD_DATA, "sort_dir is only valid when sort_by is set");
        }
        if (!sortDir.isEmpty() && sortBy.equals("score")) {
            throw new ApiError(ApiError.Type.BAD_DATA, "sort_dir is not supported for sort_by=score");
        }
        if (sortDir.isEmpty()) {
            sortDir = "asc";
        }
        if (!sortDir.equals("asc") && !sortDir.equals("dsc")) {
            throw new ApiError(ApiError.Type.BAD_DATA, "invalid sort_dir " + GoStrings.quote(sortDir) + ": must be \"asc\" or \"dsc\"");
        }
        if (sortBy.equals("score") && searches.isEmpty()) {
            throw new ApiError(ApiError.Type.BAD_DATA, "sort_by=score requires search[] to be set");
        }
        // A smaller cap shrinks the default, so a request without limit is served up to the cap.
        long limit = maxLimit > 0 ? Math.min(DEFAULT_LIMIT, maxLimit) : DEFAULT_LIMIT;
        String l = params.get("limit");
        if (!l.isEmpty()) {
            Long v = atoi(l);
            if (v == null || v <= 0) {
                throw new ApiError(ApiError.Type.BAD_DATA, "invalid limit " + GoStrings.quote(l) + ": must be a positive integer");
            }
            if (maxLimit > 0 && v > maxLimit) {
                throw new ApiError(ApiError.Type.BAD_DATA, "limit " + v + " exceeds the configured maximum (" + maxLimit
                        + ", see --web.search.max-limit)");
            }
            limit = v;
        }
        long batchSize = DEFAULT_BATCH_SIZE;
        String bs = params.get("batch_size");
        if (!bs.isEmpty()) {
            Long v = atoi(bs);
            if (v == null || v <= 0) {
                throw new ApiError(ApiError.Type.BAD_DATA, "invalid batch_size " + GoStrings.quote(bs) + ": must be a positive integer");
            }
            batchSize = v;
        }
        return new SearchParams(sets, SearchFilter.of(searches, threshold, algorithm, caseSensitive),
                sortBy, sortDir, includeScore, start, end, limit, batchSize);
    }

    /** Go's {@code parseTimeParam}: the default when absent, else the time with its error's words. */
    private static long time(Params params, String name, long fallback) {
        String v = params.get(name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            return Params.parseTime(v);
        } catch (IllegalArgumentException e) {
            throw new ApiError(ApiError.Type.BAD_DATA, "invalid time value for '" + name + "': " + e.getMessage());
        }
    }

    /** Go's {@code strconv.Atoi} on 64 bits: an optional sign and decimal digits; null when not. */
    private static Long atoi(String s) {
        if (!s.matches("[+-]?[0-9]+")) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Go's {@code strconv.ParseBool} with the search API's error words. */
    private static boolean bool(Params params, String name, boolean fallback) {
        String v = params.get(name);
        return switch (v) {
            case "" -> fallback;
            case "1", "t", "T", "TRUE", "true", "True" -> true;
            case "0", "f", "F", "FALSE", "false", "False" -> false;
            default -> throw new ApiError(ApiError.Type.BAD_DATA, "invalid " + name + " " + GoStrings.quote(v) + ": must be boolean");
        };
    }
}
