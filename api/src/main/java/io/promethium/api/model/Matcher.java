package io.promethium.api.model;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A label matcher. Regular expressions are fully anchored and {@code .} matches a newline, as in
 * Prometheus. A label that is absent has the value {@code ""}, so {@code foo=""} matches series
 * without {@code foo}. Matching a regular expression against one value may take at most
 * {@link #regexSteps(int)} character reads; beyond that {@link #matches} throws
 * {@link RegexTooExpensiveException} (Java's backtracking engine, unlike Prometheus's RE2, can
 * take cubic or exponential time on patterns such as {@code .*.*.*a}, and overflows its stack on
 * a repeated alternation over a long value, which is refused the same way).
 *
 * @param type the operator
 * @param name the label name
 * @param value the value or regular expression, as written
 */
public record Matcher(MatchType type, String name, String value, Pattern pattern) {

    public Matcher {
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(value, "value is null");
        if ((type == MatchType.REGEX || type == MatchType.NOT_REGEX) && pattern == null) {
            pattern = compile(value);
        }
    }

    /** A matcher; throws {@link IllegalArgumentException} naming the regex when it does not compile. */
    public static Matcher of(MatchType type, String name, String value) {
        return new Matcher(type, name, value, null);
    }

    public static Matcher equal(String name, String value) {
        return of(MatchType.EQUAL, name, value);
    }

    private static Pattern compile(String regex) {
        try {
            // RE2 (Go) spells named groups (?P<name>...); Java spells them (?<name>...).
            return Pattern.compile("^(?:" + regex.replace("(?P<", "(?<") + ")$", Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression " + quote(regex) + ": " + e.getDescription(), e);
        }
    }

    /** Whether a label value (or {@code ""} for an absent label) satisfies this matcher. */
    public boolean matches(String labelValue) {
        return switch (type) {
            case EQUAL -> value.equals(labelValue);
            case NOT_EQUAL -> !value.equals(labelValue);
            case REGEX -> patternMatches(labelValue);
            case NOT_REGEX -> !patternMatches(labelValue);
        };
    }

    /**
     * Character reads one regular expression match may make on a value of that length: generous
     * for linear matching (100 per character), far below the cubic cost of {@code .*.*.*a} on a
     * value of a thousand characters (about 10^8).
     *
     * @since 1.3
     */
    public static long regexSteps(int valueLength) {
        return 100_000L + 100L * valueLength;
    }

    /**
     * Whether the whole value matches this {@code =~} or {@code !~} matcher's pattern (positively,
     * whatever the operator), within {@link #regexSteps(int)} character reads.
     *
     * @throws RegexTooExpensiveException when the match needs more
     * @since 1.3
     */
    public boolean patternMatches(String labelValue) {
        if (pattern == null) {
            throw new IllegalStateException("matcher " + this + " has no regular expression");
        }
        return boundedMatch(pattern, labelValue, "regular expression " + quote(value) + " of matcher " + name + type.operator()) != null;
    }

    /**
     * Matches a whole value against {@code pattern} within {@link #regexSteps(int)} character
     * reads, as matchers do; for other regex users over label values (PromQL's
     * {@code label_replace}, relabelling).
     *
     * @param what names the regex in the error, e.g. {@code regular expression "a.*" of label_replace()}
     * @return the matcher after a whole match (its groups readable), or null when the value does not match
     * @throws RegexTooExpensiveException when the match needs more
     * @since 1.3
     */
    public static java.util.regex.Matcher boundedMatch(Pattern pattern, String value, String what) {
        java.util.regex.Matcher m = pattern.matcher(new Budgeted(value, regexSteps(value.length())));
        try {
            return m.matches() ? m : null;
        } catch (StepsExceeded e) {
            throw new RegexTooExpensiveException(what + " is too expensive to match a label value of " + value.length()
                    + " characters (more than " + regexSteps(value.length()) + " steps); simplify it (for example fewer consecutive .*)");
        } catch (StackOverflowError e) {
            // A repeated group recurses once per repetition in java.util.regex: a long value overflows the stack.
            throw new RegexTooExpensiveException(what + " recurses too deeply to match a label value of " + value.length()
                    + " characters; simplify it (for example a character class instead of a repeated alternation)");
        }
    }

    /**
     * A value whose reads are counted: java.util.regex reads the input only through
     * {@link CharSequence#charAt}, so counting them bounds the match's work without a thread or clock.
     */
    private static final class Budgeted implements CharSequence {
        private final String s;
        private long left;

        Budgeted(String s, long budget) {
            this.s = s;
            this.left = budget;
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                throw StepsExceeded.INSTANCE;
            }
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return s.subSequence(start, end);
        }

        @Override
        public String toString() {
            return s;
        }
    }

    /** Thrown from inside the regex engine; stackless and shared, as it carries nothing. */
    private static final class StepsExceeded extends RuntimeException {
        static final StepsExceeded INSTANCE = new StepsExceeded();

        private StepsExceeded() {
            super(null, null, false, false);
        }
    }

    /** Whether this matcher matches the empty string, i.e. also series lacking the label. */
    public boolean matchesEmpty() {
        return matches("");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matcher m && type == m.type && name.equals(m.name) && value.equals(m.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, name, value);
    }

    @Override
    public String toString() {
        return name + type.operator() + quote(value);
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }
}
