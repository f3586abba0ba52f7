package io.promethium.api.model;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A label matcher. Regular expressions are fully anchored and {@code .} matches a newline, as in
 * Prometheus. A label that is absent has the value {@code ""}, so {@code foo=""} matches series
 * without {@code foo}.
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
            case REGEX -> pattern.matcher(labelValue).matches();
            case NOT_REGEX -> !pattern.matcher(labelValue).matches();
        };
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
