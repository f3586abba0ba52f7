package io.promethium.web.internal.status;

import io.promethium.goformat.GoStrings;
import io.promethium.promql.ast.AggregateOp;
import io.promethium.promql.ast.BinaryOp;
import io.promethium.promql.ast.Function;
import io.promethium.promql.ast.Functions;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import io.promethium.web.internal.search.SearchResource;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code /api/v1/features}: Prometheus 3's feature registry ({@code util/features}), categories of
 * feature names with whether each is on, under Prometheus's names. Only what Promethium can vouch
 * for is listed: a feature is true when Promethium does it (an {@code --enable-feature} name counts
 * when it was given and an installed bundle declares it in {@code Promethium-Features}); features
 * Promethium lacks are false (Prometheus's documentation: a client treats an absent feature as
 * false too). Categories whose members Promethium cannot list here yet (service discovery
 * providers, templating functions, UI, most of the TSDB's) are left out.
 */
public final class FeaturesResource implements Endpoints {

    private final Supplier<Map<String, String>> flags;
    private final Supplier<Set<String>> declared;

    /**
     * @param flags the server's flags by name, as {@code /api/v1/status/flags} shows them
     * @param declared the {@code --enable-feature} names the installed bundles implement
     */
    public FeaturesResource(Supplier<Map<String, String>> flags, Supplier<Set<String>> declared) {
        this.flags = Objects.requireNonNull(flags, "flags is null");
        this.declared = Objects.requireNonNull(declared, "declared is null");
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        return List.of(Router.under("/api/v1/features").formLimit(formLimit).agent(agent)
                .get("/api/v1/features", this::features).build());
    }

    /** The registry, by category then name, sorted (Prometheus marshals it with sorted keys). */
    Map<String, Map<String, Boolean>> features() {
        Map<String, String> f = flags.get();
        Set<String> given = Arrays.stream(f.getOrDefault("enable-feature", "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        Set<String> implemented = declared.get();
        java.util.function.Predicate<String> on = name -> given.contains(name) && implemented.contains(name);
        Map<String, Map<String, Boolean>> out = new TreeMap<>();

        Map<String, Boolean> api = category(out, "api");
        api.put("lifecycle", flag(f, "web.enable-lifecycle"));
        api.put("admin", flag(f, "web.enable-admin-api"));
        api.put("remote_write_receiver", flag(f, "web.enable-remote-write-receiver"));
        api.put("otlp_write_receiver", flag(f, "web.enable-otlp-receiver"));
        // The web bundle serves the search API itself, so the name given is enough.
        api.put("search", given.contains("search-api"));
        for (String alg : SearchResource.fuzzAlgorithms()) {
            api.put("search_fuzz_alg_" + alg, true);
        }
        api.put("label_values_match", true);
        api.put("query_warnings", true);
        api.put("query_stats", true);
        api.put("time_range_series", true);
        api.put("time_range_labels", true);
        api.put("exclude_alerts", true);
        // /api/v1/openapi.yaml is not served.
        api.put("openapi_3.1", false);
        api.put("openapi_3.2", false);

        Map<String, Boolean> otlp = category(out, "otlp_receiver");
        otlp.put("delta_conversion", on.test("otlp-deltatocumulative"));
        otlp.put("native_delta_ingestion", on.test("otlp-native-delta-ingestion"));

        boolean agentMode = flag(f, "agent");
        Map<String, Boolean> prometheus = category(out, "prometheus");
        prometheus.put("agent_mode", agentMode);
        prometheus.put("server_mode", !agentMode);
        prometheus.put("auto_reload_config", on.test("auto-reload-config"));

        Map<String, Boolean> promql = category(out, "promql");
        promql.put("at_modifier", true);
        promql.put("negative_offset", true);
        promql.put("per_step_stats", on.test("promql-per-step-stats"));
        promql.put("delayed_name_removal", on.test("promql-delayed-name-removal"));
        promql.put("type_and_unit_labels", on.test("type-and-unit-labels"));
        // The query API takes no lookback_delta parameter.
        promql.put("per_query_lookback_delta", false);
        promql.put("subqueries", true);
        promql.put("duration_expr", on.test("promql-duration-expr"));
        for (String keyword : List.of("bool", "by", "group_left", "group_right", "ignoring", "offset", "on", "without")) {
            promql.put(keyword, true);
        }
        boolean extendedRange = on.test("promql-extended-range-selectors");
        promql.put("anchored", extendedRange);
        promql.put("smoothed", extendedRange);
        boolean fill = on.test("promql-binop-fill-modifiers");
        promql.put("fill", fill);
        promql.put("fill_left", fill);
        promql.put("fill_right", fill);

        boolean experimental = on.test("promql-experimental-functions");
        Map<String, Boolean> operators = category(out, "promql_operators");
        for (BinaryOp op : BinaryOp.values()) {
            operators.put(op.symbol(), true);
        }
        // Operators of Prometheus's lexer that are not binary operators: regex matchers and @.
        operators.put("=~", true);
        operators.put("!~", true);
        operators.put("@", true);
        for (AggregateOp op : AggregateOp.values()) {
            operators.put(op.keyword(), !op.experimental() || experimental);
        }
        Map<String, Boolean> functions = category(out, "promql_functions");
        for (Function fn : Functions.all()) {
            functions.put(fn.name(), !fn.experimental() || experimental);
        }

        Map<String, Boolean> rules = category(out, "rules");
        rules.put("concurrent_rule_eval", on.test("concurrent-rule-eval"));
        rules.put("query_offset", true);
        rules.put("keep_firing_for", true);

        Map<String, Boolean> scrape = category(out, "scrape");
        scrape.put("extra_scrape_metrics", true);
        scrape.put("start_timestamp_zero_ingestion", on.test("created-timestamp-zero-ingestion"));
        scrape.put("type_and_unit_labels", on.test("type-and-unit-labels"));

        Map<String, Boolean> tsdb = category(out, "tsdb");
        tsdb.put("exemplar_storage", on.test("exemplar-storage"));
        return out;
    }

    private void features(Router.Call call) throws IOException {
        // Written by hand: Prometheus marshals this map without HTML escapes (">=", not "\u003e="),
        // unlike its other answers, which the shared JSON generator writes.
        StringBuilder sb = new StringBuilder("{\"status\":\"success\",\"data\":{");
        String sep = "";
        for (Map.Entry<String, Map<String, Boolean>> category : features().entrySet()) {
            sb.append(sep);
            sep = ",";
            GoStrings.appendJson(sb, category.getKey(), false).append(":{");
            String inner = "";
            for (Map.Entry<String, Boolean> feature : category.getValue().entrySet()) {
                sb.append(inner);
                inner = ",";
                GoStrings.appendJson(sb, feature.getKey(), false).append(':').append(feature.getValue());
            }
            sb.append('}');
        }
        sb.append("}}");
        call.respond(200, "application/json", sb.toString());
    }

    private static Map<String, Boolean> category(Map<String, Map<String, Boolean>> out, String name) {
        return out.computeIfAbsent(name, k -> new TreeMap<>());
    }

    private static boolean flag(Map<String, String> flags, String name) {
        return Boolean.parseBoolean(flags.getOrDefault(name, "false"));
    }
}
