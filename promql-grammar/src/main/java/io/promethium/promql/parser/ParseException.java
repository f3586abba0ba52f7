package io.promethium.promql.parser;

import static java.util.Objects.requireNonNull;

import io.promethium.promql.ast.PositionRange;

/**
 * A query that does not parse or does not type-check. {@link #getMessage()} reads as
 * Prometheus's, e.g. {@code 1:5: parse error: unexpected end of input}.
 */
public final class ParseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient PositionRange position;
    private final int line;
    private final int column;
    private final String detail;

    /**
     * @param query the text that was parsed, to turn the position into line and column
     * @param position where the problem is
     * @param detail what the problem is, without position (e.g. {@code unexpected end of input})
     */
    public ParseException(String query, PositionRange position, String detail) {
        this(position, position.line(query), position.column(query), detail);
    }

    private ParseException(PositionRange position, int line, int column, String detail) {
        super(line + ":" + column + ": parse error: " + detail);
        this.position = requireNonNull(position, "position is null");
        this.line = line;
        this.column = column;
        this.detail = requireNonNull(detail, "detail is null");
    }

    /** Where in the query the problem is. */
    public PositionRange position() {
        return position;
    }

    /** The 1-based line of the problem. */
    public int line() {
        return line;
    }

    /** The 1-based column of the problem. */
    public int column() {
        return column;
    }

    /** The message without the {@code line:col: parse error:} prefix. */
    public String detail() {
        return detail;
    }
}
