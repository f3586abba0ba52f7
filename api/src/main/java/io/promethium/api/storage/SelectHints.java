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
 */
public record SelectHints(long start, long end, long step, String function, long range, List<String> grouping, boolean by) {
    public SelectHints {
        function = function == null ? "" : function;
        grouping = grouping == null ? List.of() : List.copyOf(grouping);
    }

    public static SelectHints range(long start, long end) {
        return new SelectHints(start, end, 0, "", 0, List.of(), false);
    }
}
