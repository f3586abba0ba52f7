package io.promethium.api.model;

/**
 * A regular expression that needed more steps than allowed to match one label value. Java's regex
 * engine backtracks, so a pattern such as {@code .*.*.*a} costs the cube of a long value's length,
 * where Prometheus's RE2 is linear; {@link Matcher#matches} stops it and throws this instead of
 * holding a query thread for minutes. A query that meets it fails with this message.
 *
 * @since 1.3
 */
public final class RegexTooExpensiveException extends RuntimeException {

    public RegexTooExpensiveException(String message) {
        super(message);
    }

    /** This exception, or the first one of its kind among {@code e}'s causes; null when none is. */
    public static RegexTooExpensiveException in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RegexTooExpensiveException r) {
                return r;
            }
        }
        return null;
    }
}
