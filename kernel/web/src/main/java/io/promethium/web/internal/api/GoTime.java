package io.promethium.web.internal.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Go's {@code time.Time} JSON: RFC 3339 with nanoseconds, trailing zeros dropped; the zero time for "never". */
public final class GoTime {

    private static final DateTimeFormatter RFC3339_NANO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX")
            .withZone(ZoneOffset.UTC);

    private GoTime() {
    }

    /** {@code null} and the epoch (how our records say "never") are Go's zero time. */
    public static String format(Instant t) {
        if (t == null || t.equals(Instant.EPOCH)) {
            return "0001-01-01T00:00:00Z";
        }
        String s = RFC3339_NANO.format(t);
        int dot = s.indexOf('.');
        int zone = s.indexOf('Z', dot);
        int end = zone;
        while (end > dot + 1 && s.charAt(end - 1) == '0') {
            end--;
        }
        if (end == dot + 1) {
            end = dot;
        }
        return s.substring(0, end) + s.substring(zone);
    }
}
