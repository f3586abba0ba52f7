package io.promethium.promql.ast;

/**
 * A span of the query text: {@code start} inclusive, {@code end} exclusive, both offsets in
 * UTF-16 chars from the start of the query.
 */
public record PositionRange(int start, int end) {

    /** The range used for nodes that do not come from query text (e.g. built by hand in tests). */
    public static final PositionRange NONE = new PositionRange(0, 0);

    public PositionRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid position range [" + start + ", " + end + ")");
        }
    }

    /** The smallest range covering this one and {@code other}. */
    public PositionRange union(PositionRange other) {
        return new PositionRange(Math.min(start, other.start), Math.max(end, other.end));
    }

    /** The 1-based line of {@link #start} in {@code query}. */
    public int line(String query) {
        int line = 1;
        int limit = Math.min(start, query.length());
        for (int i = 0; i < limit; i++) {
            if (query.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The 1-based column of {@link #start} in its line of {@code query}, counted in chars. */
    public int column(String query) {
        int limit = Math.min(start, query.length());
        int lineStart = query.lastIndexOf('\n', limit - 1) + 1;
        return limit - lineStart + 1;
    }
}
