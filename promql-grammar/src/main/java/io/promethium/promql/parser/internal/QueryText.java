package io.promethium.promql.parser.internal;

import static java.util.Objects.requireNonNull;

import io.promethium.promql.ast.PositionRange;
import io.promethium.promql.parser.ParseException;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * The query being parsed. ANTLR counts code points; positions in the AST count UTF-16 chars
 * (what {@link String} indexes), so this converts, cheaply when the query has no surrogate pairs.
 */
public final class QueryText {

    private final String text;
    /** char offset of each code point, or null when they coincide. */
    private final int[] charOffsets;

    public QueryText(String text) {
        this.text = requireNonNull(text, "text is null");
        int codePoints = text.codePointCount(0, text.length());
        if (codePoints == text.length()) {
            charOffsets = null;
        } else {
            charOffsets = new int[codePoints + 1];
            int c = 0;
            for (int i = 0; i < codePoints; i++) {
                charOffsets[i] = c;
                c += Character.charCount(text.codePointAt(c));
            }
            charOffsets[codePoints] = c;
        }
    }

    public String text() {
        return text;
    }

    /** The char offset of a code point offset. */
    public int charOffset(int codePointOffset) {
        if (charOffsets == null) {
            return Math.min(codePointOffset, text.length());
        }
        return charOffsets[Math.min(codePointOffset, charOffsets.length - 1)];
    }

    /** The span of one token; EOF is the empty span at the end. */
    public PositionRange range(Token token) {
        if (token.getType() == Token.EOF) {
            return new PositionRange(text.length(), text.length());
        }
        return new PositionRange(charOffset(token.getStartIndex()), charOffset(token.getStopIndex() + 1));
    }

    /** From the start of {@code first} to the end of {@code last}. */
    public PositionRange range(Token first, Token last) {
        return range(first).union(range(last));
    }

    public PositionRange range(ParserRuleContext ctx) {
        Token stop = ctx.getStop() == null ? ctx.getStart() : ctx.getStop();
        return range(ctx.getStart(), stop);
    }

    public ParseException error(PositionRange position, String detail) {
        return new ParseException(text, position, detail);
    }

    public ParseException error(Token token, String detail) {
        return error(range(token), detail);
    }
}
