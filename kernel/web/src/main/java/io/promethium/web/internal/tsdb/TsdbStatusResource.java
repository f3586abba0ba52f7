package io.promethium.web.internal.tsdb;

import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.api.storage.StorageAdmin;
import io.promethium.api.storage.StorageStats;
import io.promethium.api.storage.StoredBlock;
import io.promethium.web.internal.api.ApiError;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code /api/v1/status/tsdb}: the head's cardinality statistics, the blocks not served because
 * they are corrupt, and usage per retention rule when there are rules; and
 * {@code /api/v1/status/tsdb/blocks}: the loaded blocks' meta.json, as Prometheus 3 lists them.
 */
public final class TsdbStatusResource implements Endpoints {

    private final Supplier<StorageAdmin> admin;

    public TsdbStatusResource(Supplier<StorageAdmin> admin) {
        this.admin = Objects.requireNonNull(admin, "admin is null");
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        return List.of(Router.under("/api/v1/status/tsdb").formLimit(formLimit).agent(agent)
                .get("/api/v1/status/tsdb", this::status)
                .get("/api/v1/status/tsdb/blocks", this::blocks).build());
    }

    private void status(Router.Call call) throws IOException {
        List<String> limits = call.query().all("limit");
        String limitParam = limits.isEmpty() ? null : limits.get(0);
        int limit = 10;
        if (limitParam != null && !limitParam.isEmpty()) {
            try {
                limit = Integer.parseInt(limitParam);
            } catch (NumberFormatException e) {
                limit = 0;
            }
            if (limit < 1) {
                throw new ApiError(ApiError.Type.BAD_DATA, "limit must be a positive number");
            }
        }
        StorageStats stats = admin.get().stats();
        int top = limit;
        call.success(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("headStats");
            g.writeNumberField("numSeries", stats.numSeries());
            g.writeNumberField("numLabelPairs", stats.numLabelPairs());
            g.writeNumberField("chunkCount", stats.chunkCount());
            g.writeNumberField("minTime", stats.minTime());
            g.writeNumberField("maxTime", stats.maxTime());
            if (!stats.headMemoryInBytes().isEmpty()) {
                // Promethium's addition (clients ignore fields they do not know): the head's estimated heap by part.
                g.writeObjectFieldStart("memoryInBytes");
                for (StorageStats.Stat part : stats.headMemoryInBytes()) {
                    g.writeNumberField(part.name(), part.value());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
            list(g, "seriesCountByMetricName", stats.seriesCountByMetricName(), top);
            list(g, "labelValueCountByLabelName", stats.labelValueCountByLabelName(), top);
            list(g, "memoryInBytesByLabelName", stats.memoryInBytesByLabelName(), top);
            list(g, "seriesCountByLabelValuePair", stats.seriesCountByLabelValuePair(), top);
            if (!stats.corruptBlocks().isEmpty()) {
                // Promethium's addition, present only when there are some: blocks not served because they are corrupt.
                g.writeArrayFieldStart("corruptBlocks");
                for (StorageStats.CorruptBlock b : stats.corruptBlocks()) {
                    g.writeStartObject();
                    g.writeStringField("block", b.block());
                    g.writeStringField("reason", b.reason());
                    g.writeStringField("path", b.path());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (!stats.retentionRules().isEmpty()) {
                retentionRules(g, stats.retentionRules());
            }
            if (!stats.resolutions().isEmpty()) {
                resolutions(g, stats.resolutions());
            }
            g.writeEndObject();
        });
    }

    /**
     * Prometheus's {@code serveTSDBBlocks}: {@code {"blocks": [meta, ...]}}, each meta as Go encodes
     * its {@code BlockMeta} (stats' zero counts and empty sources left out). Promethium's addition:
     * {@code "downsample": {"resolution": ms}} on a downsampled block (listed after the raw ones);
     * Prometheus has none. Not given: {@code numFloatSamples} and {@code numHistogramSamples} (the
     * blocks do not count them apart), and the compaction's {@code parents} and {@code hints}.
     */
    private void blocks(Router.Call call) throws IOException {
        List<StoredBlock> blocks = admin.get().blockMetas();
        call.success(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("blocks");
            for (StoredBlock b : blocks) {
                g.writeStartObject();
                g.writeStringField("ulid", b.ulid());
                g.writeNumberField("minTime", b.minTime());
                g.writeNumberField("maxTime", b.maxTime());
                g.writeObjectFieldStart("stats");
                nonZero(g, "numSamples", b.numSamples());
                nonZero(g, "numSeries", b.numSeries());
                nonZero(g, "numChunks", b.numChunks());
                nonZero(g, "numTombstones", b.numTombstones());
                g.writeEndObject();
                g.writeObjectFieldStart("compaction");
                g.writeNumberField("level", b.level());
                if (!b.sources().isEmpty()) {
                    g.writeArrayFieldStart("sources");
                    for (String source : b.sources()) {
                        g.writeString(source);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
                g.writeNumberField("version", b.version());
                if (b.resolutionMillis() > 0) {
                    g.writeObjectFieldStart("downsample");
                    g.writeNumberField("resolution", b.resolutionMillis());
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** A count Go's {@code omitempty} leaves out when zero. */
    private static void nonZero(JsonGenerator g, String field, long value) throws IOException {
        if (value != 0) {
            g.writeNumberField(field, value);
        }
    }

    private static void list(JsonGenerator g, String field, List<StorageStats.Stat> stats, int limit) throws IOException {
        g.writeArrayFieldStart(field);
        for (int i = 0; i < stats.size() && i < limit; i++) {
            g.writeStartObject();
            g.writeStringField("name", stats.get(i).name());
            g.writeNumberField("value", stats.get(i).value());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /**
     * Promethium's addition: usage per {@code storage.tsdb.retention_rules} entry in rule order, then
     * the series matching none ({@code "selector": ""}, the global retention). {@code bytes} is the
     * storage's estimate.
     */
    private static void retentionRules(JsonGenerator g, List<StorageStats.RetentionRuleStat> rules) throws IOException {
        g.writeArrayFieldStart("retentionRules");
        for (StorageStats.RetentionRuleStat r : rules) {
            g.writeStartObject();
            g.writeStringField("selector", r.selector());
            g.writeStringField("retention", io.promethium.api.config.Durations.format(java.time.Duration.ofMillis(r.retentionMillis())));
            g.writeNumberField("headSeries", r.headSeries());
            g.writeNumberField("blockSeries", r.blockSeries());
            g.writeNumberField("bytes", r.bytes());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Promethium's addition, present when the storage downsamples: blocks and bytes per resolution. */
    private static void resolutions(JsonGenerator g, List<StorageStats.ResolutionStat> resolutions) throws IOException {
        g.writeArrayFieldStart("resolutions");
        for (StorageStats.ResolutionStat r : resolutions) {
            g.writeStartObject();
            g.writeStringField("resolution", r.resolutionMillis() == 0 ? "raw"
                    : io.promethium.api.config.Durations.format(java.time.Duration.ofMillis(r.resolutionMillis())));
            g.writeNumberField("blocks", r.blocks());
            g.writeNumberField("bytes", r.bytes());
            if (r.blocks() > 0) {
                g.writeNumberField("minTime", r.minTime());
                g.writeNumberField("maxTime", r.maxTime());
            }
            g.writeStringField("retention", io.promethium.api.config.Durations.format(java.time.Duration.ofMillis(r.retentionMillis())));
            g.writeBooleanField("nativeHistograms", r.nativeHistograms());
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
