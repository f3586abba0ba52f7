package io.promethium.web.internal.targets;

import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.Metadata;
import io.promethium.promql.parser.ParseException;
import io.promethium.promql.parser.PromQLParser;
import io.promethium.scrape.ScrapeTargets;
import io.promethium.scrape.TargetInfo;
import io.promethium.scrape.TargetMetadata;
import io.promethium.web.internal.api.ApiError;
import io.promethium.web.internal.api.ApiResponses;
import io.promethium.web.internal.api.GoTime;
import io.promethium.web.internal.api.Params;
import io.promethium.web.internal.api.PromJson;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/** {@code /api/v1/targets}, {@code /api/v1/targets/metadata} and {@code /api/v1/metadata}: what the scrape manager knows. */
@Path("/api/v1")
public final class TargetsResource {

    private final Supplier<ScrapeTargets> targets;
    private final Supplier<List<String>> scrapePools;

    /**
     * @param scrapePools the configured job names, in config order
     */
    public TargetsResource(Supplier<ScrapeTargets> targets, Supplier<List<String>> scrapePools) {
        this.targets = Objects.requireNonNull(targets, "targets is null");
        this.scrapePools = Objects.requireNonNull(scrapePools, "scrapePools is null");
    }

    @GET
    @Path("scrape_pools")
    public Response scrapePools() {
        List<String> pools = new ArrayList<>(new java.util.TreeSet<>(scrapePools.get()));
        return ApiResponses.success(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("scrapePools");
            for (String pool : pools) {
                g.writeString(pool);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    @GET
    @Path("targets")
    public Response targets(@QueryParam("state") String stateParam, @QueryParam("scrapePool") String poolParam) {
        String state = stateParam == null ? "" : stateParam.toLowerCase(Locale.ROOT);
        boolean showActive = state.isEmpty() || state.equals("any") || state.equals("active");
        boolean showDropped = state.isEmpty() || state.equals("any") || state.equals("dropped");
        String pool = poolParam == null ? "" : poolParam;
        ScrapeTargets t = targets.get();
        List<TargetInfo> active = showActive ? inPool(t.activeTargets(), pool) : List.of();
        List<TargetInfo> dropped = showDropped ? inPool(t.droppedTargets(), pool) : List.of();
        return ApiResponses.success(g -> {
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
        g.writeStringField("scrapeInterval", GoDuration.format(target.scrapeInterval()));
        g.writeStringField("scrapeTimeout", GoDuration.format(target.scrapeTimeout()));
        g.writeEndObject();
    }

    @GET
    @Path("targets/metadata")
    public Response targetMetadata(@Context UriInfo uri) {
        Params params = new Params(uri);
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
        List<TargetMetadata> rows = new ArrayList<>();
        Map<Labels, Boolean> countedTargets = new LinkedHashMap<>();
        for (TargetMetadata m : targets.get().targetMetadata()) {
            if (!matches(m.target(), matchers)) {
                continue;
            }
            if (!metric.isEmpty() && !metric.equals(m.metric())) {
                continue;
            }
            if (limit >= 0 && !countedTargets.containsKey(m.target()) && rows.size() >= limit) {
                break;
            }
            countedTargets.put(m.target(), Boolean.TRUE);
            rows.add(m);
        }
        boolean withMetric = metric.isEmpty();
        return ApiResponses.success(g -> {
            PromJson json = new PromJson(g);
            g.writeStartArray();
            for (TargetMetadata m : rows) {
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

    @GET
    @Path("metadata")
    public Response metadata(@Context UriInfo uri) {
        Params params = new Params(uri);
        int limit = numberParam(params, "limit");
        int limitPerMetric = numberParam(params, "limit_per_metric");
        String metric = params.get("metric");
        Map<String, Set<Metadata>> byMetric = new LinkedHashMap<>();
        for (TargetMetadata m : targets.get().targetMetadata()) {
            if (!metric.isEmpty() && !metric.equals(m.metric())) {
                continue;
            }
            Set<Metadata> set = byMetric.get(m.metric());
            if (limitPerMetric > 0 && set != null && set.size() >= limitPerMetric) {
                continue;
            }
            byMetric.computeIfAbsent(m.metric(), k -> new LinkedHashSet<>()).add(m.metadata());
        }
        return ApiResponses.success(g -> {
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
