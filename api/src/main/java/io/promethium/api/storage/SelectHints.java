package io.promethium.api.storage;

import java.util.List;

/**
 * What a query will do with the selected data, so a storage can skip work. Advisory only: a
 * storage may return more than asked.
 *
 * @param start first timestamp needed (ms)
 * @param end last timestamp needed (ms)
 * @param step query step (ms), 0 for instant queries
 * @param function the surrounding function, if any ("rate", "series" for metadata only, ...)
 * @param range the range of a range selector (ms), 0 otherwise
 * @param grouping labels of a surrounding aggregation
 * @param by whether {@code grouping} is a {@code by} (true) or {@code without} (false) list
 * @param maxSourceResolution the coarsest downsampled resolution (ms) the storage may answer from
 *     when {@code function} can be computed from aggregates (Thanos's {@code max_source_resolution}):
 *     {@link #RAW} for raw samples only, {@link #AUTO} to let the storage choose from {@code step}
 *     (since 1.12.0)
 */
public record SelectHints(long start, long end, long step, String function, long range, List<String> grouping, boolean by,
        long maxSourceResolution) {
    /** Raw samples only. */
    public static final long RAW = 0;
    /** The storage picks a resolution from the step (a fifth of it at most, as Thanos's auto downsampling). */
    public static final long AUTO = -1;

    public SelectHints {
        function = function == null ? "" : function;
        grouping = grouping == null ? List.of() : List.copyOf(grouping);
        if (maxSourceResolution < AUTO) {
            throw new IllegalArgumentException("maxSourceResolution must be AUTO, RAW or positive: " + maxSourceResolution);
        }
    }

    /** Hints with {@link #AUTO} resolution, as before 1.12.0. */
    public SelectHints(long start, long end, long step, String function, long range, List<String> grouping, boolean by) {
        this(start, end, step, function, range, grouping, by, AUTO);
    }

    public static SelectHints range(long start, long end) {
        return new SelectHints(start, end, 0, "", 0, List.of(), false);
    }

    /** These hints with another {@code maxSourceResolution}. */
    public SelectHints withMaxSourceResolution(long resolution) {
        return new SelectHints(start, end, step, function, range, grouping, by, resolution);
    }
}
