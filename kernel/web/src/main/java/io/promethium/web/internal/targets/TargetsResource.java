package io.promethium.web.internal.targets;

import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.api.config.Durations;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.Metadata;
import io.promethium.promql.parser.ParseException;
import io.promethium.promql.parser.PromQLParser;
import io.promethium.scrape.ScrapeTargets;
import io.promethium.scrape.TargetInfo;
import io.promethium.scrape.TargetMetadata;
import io.promethium.api.storage.MetadataQueryable;
import io.promethium.api.storage.MetadataQueryable.SeriesMetadata;
import io.promethium.web.internal.api.ApiError;
import io.promethium.web.internal.api.GoTime;
import io.promethium.web.internal.api.Params;
import io.promethium.web.internal.api.PromJson;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code /api/v1/targets}, {@code /api/v1/targets/relabel_steps} and {@code /api/v1/scrape_pools}
 * (what the scrape manager knows), and
 * {@code /api/v1/targets/metadata} and {@code /api/v1/metadata} (the metadata the storage keeps
 * per series, so it survives a restart, grouped by family and by active target).
 */
public final class TargetsResource implements Endpoints {

    private final Supplier<ScrapeTargets> targets;
    private final Supplier<List<String>> scrapePools;
    private final Supplier<MetadataQueryable> metadataStore;

    /**
     * @param scrapePools the configured job names, in config order
     * @param metadataStore the storage's metadata, or a supplier of null when it keeps none
     */
    public TargetsResource(Supplier<ScrapeTargets> targets, Supplier<List<String>> scrapePools,
                           Supplier<MetadataQueryable> metadataStore) {
        this.targets = Objects.requireNonNull(targets, "targets is null");
        this.scrapePools = Objects.requireNonNull(scrapePools, "scrapePools is null");
        this.metadataStore = Objects.requireNonNull(metadataStore, "metadataStore is null");
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        return List.of(Router.under("/api/v1/scrape_pools").formLimit(formLimit).agent(agent)
                        .get("/api/v1/scrape_pools", this::scrapePools).build(),
                Router.under("/api/v1/targets").formLimit(formLimit).agent(agent)
                        .get("/api/v1/targets", this::targets).get("/api/v1/targets/metadata", this::targetMetadata)
                        .get("/api/v1/targets/relabel_steps", this::relabelSteps).build(),
                Router.under("/api/v1/metadata").formLimit(formLimit).agent(agent)
                        .get("/api/v1/metadata", this::metadata).build());
    }

    private void scrapePools(Router.Call call) throws IOException {
        List<String> pools = new ArrayList<>(new java.util.TreeSet<>(scrapePools.get()));
        call.success(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("scrapePools");
            for (String pool : pools) {
                g.writeString(pool);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private void targets(Router.Call call) throws IOException {
        Params query = call.query();
        String stateParam = query.all("state").isEmpty() ? null : query.all("state").get(0);
        String poolParam = query.all("scrapePool").isEmpty() ? null : query.all("scrapePool").get(0);
        String state = stateParam == null ? "" : stateParam.toLowerCase(Locale.ROOT);
        boolean showActive = state.isEmpty() || state.equals("any") || state.equals("active");
        boolean showDropped = state.isEmpty() || state.equals("any") || state.equals("dropped");
        String pool = poolParam == null ? "" : poolParam;
        ScrapeTargets t = targets.get();
        List<TargetInfo> active = showActive ? inPool(t.activeTargets(), pool) : List.of();
        List<TargetInfo> dropped = showDropped ? inPool(t.droppedTargets(), pool) : List.of();
        call.success(g -> {
            PromJson json = new PromJson(g);
            g.writeStartObject();
            g.writeArrayFieldStart("activeTargets");
            for (TargetInfo target : active) {
                activeTarget(g, json, target);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("droppedTargets");
            Map<String, Integer> counts = new TreeMap<>();
            for (TargetInfo target : dropped) {
                g.writeStartObject();
                g.writeFieldName("discoveredLabels");
                json.labels(target.discoveredLabels());
                g.writeStringField("scrapePool", target.scrapePool());
                g.writeEndObject();
                counts.merge(target.scrapePool(), 1, Integer::sum);
            }
            g.writeEndArray();
            // Promethium's addition, present only when some pool waits: pools whose discovery
            // blocks wait for a plugin not installed (a Prometheus client sees the usual shape).
            Map<String, java.util.Set<String>> waitingPools = new TreeMap<>(t.waitingPools());
            if (!pool.isEmpty()) {
                waitingPools.keySet().retainAll(java.util.Set.of(pool));
            }
            if (!waitingPools.isEmpty()) {
                g.writeArrayFieldStart("waitingScrapePools");
                for (Map.Entry<String, java.util.Set<String>> waiting : waitingPools.entrySet()) {
                    for (String plugin : new java.util.TreeSet<>(waiting.getValue())) {
                        g.writeStartObject();
                        g.writeStringField("scrapePool", waiting.getKey());
                        g.writeStringField("plugin", plugin);
                        g.writeStringField("key", plugin + "_sd_configs");
                        g.writeStringField("message", "waiting for plugin `" + plugin + "`");
                        g.writeEndObject();
                    }
                }
                g.writeEndArray();
            }
            if (showDropped) {
                g.writeObjectFieldStart("droppedTargetCounts");
                for (Map.Entry<String, Integer> e : counts.entrySet()) {
                    g.writeNumberField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        });
    }

    /**
     * Prometheus 3's {@code /api/v1/targets/relabel_steps}: the pool's {@code relabel_configs}
     * applied one by one to the label set given as a JSON object, each rule with its output (empty
     * once a rule drops the target) and whether the target is still kept.
     */
    private void relabelSteps(Router.Call call) throws IOException {
        Params query = call.query();
        String pool = query.get("scrapePool");
        if (pool == null || pool.isEmpty()) {
            throw new ApiError(ApiError.Type.BAD_DATA, "no scrapePool parameter provided");
        }
        String labelsJson = query.get("labels");
        if (labelsJson == null || labelsJson.isEmpty()) {
            throw new ApiError(ApiError.Type.BAD_DATA, "no labels parameter provided");
        }
        Labels labels = parseLabels(labelsJson);
        List<io.promethium.config.model.RelabelConfig> rules = targets.get().relabelConfigs(pool).orElseThrow(() ->
                new ApiError(ApiError.Type.BAD_DATA, "error retrieving scrape config: scrape pool \"" + pool + "\" not found"));
        Labels.Builder lb = labels.toBuilder();
        List<Labels> outputs = new ArrayList<>(rules.size());
        List<Boolean> kept = new ArrayList<>(rules.size());
        boolean keep = true;
        for (io.promethium.config.model.RelabelConfig rule : rules) {
            if (keep) {
                keep = new io.promethium.config.relabel.Relabeler(List.of(rule)).process(lb);
            }
            outputs.add(keep ? lb.build() : Labels.EMPTY);
            kept.add(keep);
        }
        call.success(g -> {
            PromJson json = new PromJson(g);
            g.writeStartObject();
            g.writeArrayFieldStart("steps");
            for (int i = 0; i < rules.size(); i++) {
                g.writeStartObject();
                g.writeFieldName("rule");
                relabelRule(g, rules.get(i));
                g.writeFieldName("output");
                json.labels(outputs.get(i));
                g.writeBooleanField("keep", kept.get(i));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** A label set as Go's {@code labels.Labels} reads JSON: an object of strings, sorted by name. */
    private static Labels parseLabels(String text) {
        Labels.Builder b = Labels.EMPTY.toBuilder();
        try (com.fasterxml.jackson.core.JsonParser p = LABELS_JSON.createParser(text)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                throw new ApiError(ApiError.Type.BAD_DATA, "error parsing labels: not a JSON object of label names to values");
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                    throw new ApiError(ApiError.Type.BAD_DATA, "error parsing labels: the value of " + name + " is not a string");
                }
                b.set(name, p.getText());
            }
            if (p.nextToken() != null) {
                throw new ApiError(ApiError.Type.BAD_DATA, "error parsing labels: text after the JSON object");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiError(ApiError.Type.BAD_DATA, "error parsing labels: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiError(ApiError.Type.BAD_DATA, "error parsing labels: " + e.getMessage());
        }
        return b.build();
    }

    private static final com.fasterxml.jackson.core.JsonFactory LABELS_JSON = new com.fasterxml.jackson.core.JsonFactory();

    /** A relabel rule as Go's JSON encoding of {@code relabel.Config}: its fields in order, empty ones left out where Go omits them. */
    private static void relabelRule(JsonGenerator g, io.promethium.config.model.RelabelConfig rule) throws IOException {
        g.writeStartObject();
        if (!rule.sourceLabels().isEmpty()) {
            g.writeArrayFieldStart("source_labels");
            for (String name : rule.sourceLabels()) {
                g.writeString(name);
            }
            g.writeEndArray();
        }
        g.writeStringField("separator", rule.separator());
        g.writeStringField("regex", rule.regexText());
        if (rule.modulus() != 0) {
            g.writeNumberField("modulus", rule.modulus());
        }
        if (!rule.targetLabel().isEmpty()) {
            g.writeStringField("target_label", rule.targetLabel());
        }
        g.writeStringField("replacement", rule.replacement());
        g.writeStringField("action", rule.action().yamlName());
        g.writeEndObject();
    }

    private static List<TargetInfo> inPool(List<TargetInfo> all, String pool) {
        return pool.isEmpty() ? all : all.stream().filter(t -> t.scrapePool().equals(pool)).toList();
    }

    private static void activeTarget(JsonGenerator g, PromJson json, TargetInfo target) throws IOException {
        g.writeStartObject();
        g.writeFieldName("discoveredLabels");
        json.labels(target.discoveredLabels());
        g.writeFieldName("labels");
        json.labels(target.labels());
        g.writeStringField("scrapePool", target.scrapePool());
        g.writeStringField("scrapeUrl", target.scrapeUrl());
        g.writeStringField("globalUrl", target.globalUrl());
        g.writeStringField("lastError", target.lastError());
        g.writeStringField("lastScrape", GoTime.format(target.lastScrape()));
        g.writeNumberField("lastScrapeDuration", target.lastScrapeDuration().toNanos() / 1e9);
        g.writeStringField("health", target.health());
        g.writeStringField("scrapeInterval", Durations.format(target.scrapeInterval()));
        g.writeStringField("scrapeTimeout", Durations.format(target.scrapeTimeout()));
        g.writeEndObject();
    }

    /**
     * Prometheus's target metadata: per active target (in the targets API's order) that
     * {@code match_target} selects, the families of its stored series with their metadata, one
     * row each; {@code metric} keeps one family (and drops the field); {@code limit} stops before
     * the next target once that many rows are there, as Prometheus.
     */
    private void targetMetadata(Router.Call call) throws IOException {
        Params params = call.query();
        int limit = numberParam(params, "limit");
        String matchTarget = params.get("match_target");
        List<Matcher> matchers = List.of();
        if (!matchTarget.isEmpty()) {
            try {
                matchers = PromQLParser.parseMetricSelector(matchTarget);
            } catch (ParseException e) {
                throw Params.invalidParam("match_target", e.getMessage());
            }
        }
        String metric = params.get("metric");
        ScrapeTargets scrape = targets.get();
        List<TargetInfo> active = scrape.activeTargets();
        Map<Labels, List<TargetMetadata>> exposedBy = new HashMap<>();
        for (TargetMetadata m : scrape.targetMetadata()) {
            exposedBy.computeIfAbsent(m.target(), k -> new ArrayList<>()).add(m);
        }
        Map<String, List<SeriesMetadata>> byJobInstance = new HashMap<>();
        for (SeriesMetadata sm : storedMetadata()) {
            byJobInstance.computeIfAbsent(jobInstance(sm.seriesLabels()), k -> new ArrayList<>()).add(sm);
        }
        List<Row> rows = new ArrayList<>();
        for (TargetInfo target : active) {
            if (limit >= 0 && rows.size() >= limit) {
                break;
            }
            Labels labels = target.labels();
            if (!matches(labels, matchers)) {
                continue;
            }
            Map<String, Metadata> families = new TreeMap<>();
            Set<String> counters = MetricFamilies.counters(exposedBy.getOrDefault(labels, List.of()));
            for (SeriesMetadata sm : byJobInstance.getOrDefault(jobInstance(labels), List.of())) {
                if (!contains(sm.seriesLabels(), labels)) {
                    continue;
                }
                Metadata md = sm.metadata();
                String family = MetricFamilies.family(sm.seriesLabels().get("__name__"), md, counters);
                if (metric.isEmpty() || MetricFamilies.matches(metric, family, md.type())) {
                    families.putIfAbsent(family, md);
                }
            }
            families.forEach((family, md) -> rows.add(new Row(labels, family, md)));
        }
        boolean withMetric = metric.isEmpty();
        call.success(g -> {
            PromJson json = new PromJson(g);
            g.writeStartArray();
            for (Row m : rows) {
                g.writeStartObject();
                g.writeFieldName("target");
                json.labels(m.target());
                if (withMetric) {
                    g.writeStringField("metric", m.metric());
                }
                metadataFields(g, m.metadata());
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    private record Row(Labels target, String metric, Metadata metadata) {
    }

    /**
     * Prometheus's metric metadata: per family, each distinct metadata its stored series have;
     * {@code metric} keeps one family, {@code limit_per_metric} (when positive) caps the entries
     * of each, {@code limit} (when not negative) the families.
     */
    private void metadata(Router.Call call) throws IOException {
        Params params = call.query();
        int limit = numberParam(params, "limit");
        int limitPerMetric = numberParam(params, "limit_per_metric");
        String metric = params.get("metric");
        Map<String, Set<Metadata>> byMetric = new TreeMap<>();
        Set<String> counters = exposedCounters();
        for (SeriesMetadata sm : storedMetadata()) {
            Metadata md = sm.metadata();
            String family = MetricFamilies.family(sm.seriesLabels().get("__name__"), md, counters);
            if (!metric.isEmpty()) {
                if (!MetricFamilies.matches(metric, family, md.type())) {
                    continue;
                }
                family = metric;
            }
            Set<Metadata> set = byMetric.computeIfAbsent(family, k -> new LinkedHashSet<>());
            if (limitPerMetric <= 0 || set.size() < limitPerMetric) {
                set.add(md);
            }
        }
        call.success(g -> {
            g.writeStartObject();
            int n = 0;
            for (Map.Entry<String, Set<Metadata>> e : byMetric.entrySet()) {
                if (limit >= 0 && n >= limit) {
                    break;
                }
                n++;
                g.writeArrayFieldStart(e.getKey());
                for (Metadata md : e.getValue()) {
                    g.writeStartObject();
                    metadataFields(g, md);
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        });
    }

    /** The counter families the active targets exposed; none without a scrape manager (series names stand). */
    private Set<String> exposedCounters() {
        try {
            return MetricFamilies.counters(targets.get().targetMetadata());
        } catch (ApiError unavailable) {
            return Set.of();
        }
    }

    /** What the storage keeps; none when the storage keeps no metadata (or is not there). */
    private List<SeriesMetadata> storedMetadata() {
        MetadataQueryable store = metadataStore.get();
        return store == null ? List.of() : store.selectMetadata(List.of());
    }

    private static String jobInstance(Labels labels) {
        return labels.get("job") + '\u0000' + labels.get("instance");
    }

    /** Whether the series carries every label of the target (it does unless honor_labels overrode one). */
    private static boolean contains(Labels series, Labels target) {
        for (int i = 0; i < target.size(); i++) {
            if (!target.value(i).equals(series.get(target.name(i)))) {
                return false;
            }
        }
        return true;
    }

    private static void metadataFields(JsonGenerator g, Metadata md) throws IOException {
        g.writeStringField("type", md.type().name().toLowerCase(Locale.ROOT).replace("_", ""));
        g.writeStringField("help", md.help());
        g.writeStringField("unit", md.unit());
    }

    private static boolean matches(Labels labels, List<Matcher> matchers) {
        for (Matcher m : matchers) {
            if (!m.matches(labels.get(m.name()))) {
                return false;
            }
        }
        return true;
    }

    /** A number parameter with Prometheus's {@code <name> must be a number}; -1 when absent. */
    private static int numberParam(Params params, String name) {
        String v = params.get(name);
        if (v.isEmpty()) {
            return -1;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ApiError(ApiError.Type.BAD_DATA, name + " must be a number");
        }
    }
}
