package io.promethium.tsdb.internal.block;

import io.promethium.tsdb.internal.util.FormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A block's meta.json: its id, time range {@code [minTime, maxTime)}, counts, compaction level and
 * the ids of the level-1 blocks it was made from, plus the byte size of each chunk file (checked
 * at open so a truncated file is caught before it is mmapped).
 */
public record BlockMeta(String ulid, long minTime, long maxTime, long numSamples, long numSeries, long numChunks, int level,
        List<String> sources, List<Long> chunkFileSizes, long resolution) {

    public static final int VERSION = 1;

    /**
     * {@code resolution}: 0 for a raw block; else the window in milliseconds of a downsampled
     * block ({@code "downsample": {"resolution": N}} in meta.json, as Thanos writes it), whose
     * chunks are aggregate chunks ({@link AggrChunk}) that only {@link DownsampledReader} reads.
     */
    public BlockMeta {
        sources = List.copyOf(sources);
        chunkFileSizes = List.copyOf(chunkFileSizes);
        if (resolution < 0) {
            throw new IllegalArgumentException("negative resolution " + resolution);
        }
    }

    /** A raw block's meta. */
    public BlockMeta(String ulid, long minTime, long maxTime, long numSamples, long numSeries, long numChunks, int level,
            List<String> sources, List<Long> chunkFileSizes) {
        this(ulid, minTime, maxTime, numSamples, numSeries, numChunks, level, sources, chunkFileSizes, 0);
    }

    /** Whether this block holds aggregates rather than raw samples. */
    public boolean downsampled() {
        return resolution > 0;
    }

    String toJson() {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"ulid\": ").append(Json.quote(ulid)).append(",\n");
        sb.append("  \"minTime\": ").append(minTime).append(",\n");
        sb.append("  \"maxTime\": ").append(maxTime).append(",\n");
        sb.append("  \"stats\": {\"numSamples\": ").append(numSamples).append(", \"numSeries\": ").append(numSeries)
                .append(", \"numChunks\": ").append(numChunks).append("},\n");
        sb.append("  \"compaction\": {\"level\": ").append(level).append(", \"sources\": [");
        for (int i = 0; i < sources.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(Json.quote(sources.get(i)));
        }
        sb.append("]},\n  \"chunkFiles\": [");
        for (int i = 0; i < chunkFileSizes.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(chunkFileSizes.get(i));
        }
        sb.append("],\n");
        if (resolution > 0) {
            sb.append("  \"downsample\": {\"resolution\": ").append(resolution).append("},\n");
        }
        sb.append("  \"version\": ").append(VERSION).append("\n}\n");
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    static BlockMeta fromJson(String json) {
        Object parsed = Json.parse(json);
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new FormatException("meta.json is not an object");
        }
        Map<String, Object> m = (Map<String, Object>) root;
        long version = number(m, "version");
        if (version != VERSION) {
            throw new FormatException("meta.json version " + version + " unsupported");
        }
        Map<String, Object> stats = object(m, "stats");
        Map<String, Object> compaction = object(m, "compaction");
        List<String> sources = new ArrayList<>();
        for (Object o : list(compaction, "sources")) {
            sources.add(String.valueOf(o));
        }
        List<Long> sizes = new ArrayList<>();
        for (Object o : list(m, "chunkFiles")) {
            if (!(o instanceof Long l)) {
                throw new FormatException("meta.json chunkFiles holds a non-number");
            }
            sizes.add(l);
        }
        Object ulid = m.get("ulid");
        if (!(ulid instanceof String id)) {
            throw new FormatException("meta.json lacks ulid");
        }
        long resolution = 0;
        if (m.containsKey("downsample")) {
            resolution = number(object(m, "downsample"), "resolution");
            if (resolution < 0) {
                throw new FormatException("meta.json downsample.resolution " + resolution + " is negative");
            }
        }
        return new BlockMeta(id, number(m, "minTime"), number(m, "maxTime"), number(stats, "numSamples"),
                number(stats, "numSeries"), number(stats, "numChunks"), (int) number(compaction, "level"), sources, sizes, resolution);
    }

    private static long number(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Long l)) {
            throw new FormatException("meta.json field " + key + " missing or not an integer");
        }
        return l;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof Map<?, ?> o)) {
            throw new FormatException("meta.json field " + key + " missing or not an object");
        }
        return (Map<String, Object>) o;
    }

    private static List<Object> list(Map<String, Object> m, String key) {
        if (!(m.get(key) instanceof List<?> l)) {
            throw new FormatException("meta.json field " + key + " missing or not an array");
        }
        return new ArrayList<>(l);
    }
}
