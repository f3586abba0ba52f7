package io.promethium.templates;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;
import java.util.Objects;

/**
 * A Go {@code time.Time} as templates see it: an instant in a zone, printed as Go prints it and
 * formatted with Go's reference layouts ({@code date "2006-01-02 15:04"}).
 */
public record GoTime(Instant instant, ZoneId zone, String zoneName, Long monotonicNanos) implements TemplateValue {

    /**
     * @param zoneName the zone's abbreviation as Go's {@code MST} prints it, {@code ""} for a
     *     zone without one (printed as {@code -0700}); null for the zone's own abbreviation
     * @param monotonicNanos the monotonic clock reading of a {@code time.Now} value, which Go
     *     prints after it ({@code m=+1.000000001}); null for every other time (Go strips it
     *     when a time changes zone)
     */
    public GoTime {
        Objects.requireNonNull(instant, "instant is null");
        zone = zone == null ? ZoneId.of("UTC") : zone;
    }

    /** A time in {@code zone}, abbreviated as {@code zoneName} says (see the record's parameters). */
    public GoTime(Instant instant, ZoneId zone, String zoneName) {
        this(instant, zone, zoneName, null);
    }

    /** A time in {@code zone}, abbreviated as that zone is. */
    public GoTime(Instant instant, ZoneId zone) {
        this(instant, zone, null, null);
    }

    public static GoTime utc(Instant instant) {
        return new GoTime(instant, ZoneId.of("UTC"));
    }

    /**
     * Go's {@code time.Time.String()}: {@code 2006-01-02 15:04:05.999999999 -0700 MST}, and
     * {@code m=±seconds} with nine decimals for a time with a monotonic reading.
     */
    @Override
    public String toString() {
        String s = format("2006-01-02 15:04:05.999999999 -0700 MST");
        if (monotonicNanos == null) {
            return s;
        }
        long m = monotonicNanos;
        StringBuilder b = new StringBuilder(s).append(" m=").append(m < 0 ? '-' : '+');
        // Long.MIN_VALUE has no positive counterpart: its digits as Go's uint64 arithmetic gives them.
        String digits = m == Long.MIN_VALUE ? "9223372036854775808" : Long.toString(Math.abs(m));
        if (digits.length() < 10) {
            digits = "0".repeat(10 - digits.length()) + digits;
        }
        return b.append(digits, 0, digits.length() - 9).append('.').append(digits, digits.length() - 9, digits.length()).toString();
    }

    @Override
    public Object field(String name) {
        return switch (name) {
            case "Unix" -> instant.getEpochSecond();
            case "UnixMilli" -> instant.toEpochMilli();
            case "UTC" -> utc(instant);
            case "IsZero" -> instant.equals(Instant.parse("0001-01-01T00:00:00Z"));
            case "String" -> toString();
            default -> NO_FIELD;
        };
    }

    @Override
    public Object call(String method, java.util.List<Object> args) throws TemplateException {
        if (method.equals("Format") && args.size() == 1 && args.get(0) instanceof String layout) {
            return format(layout);
        }
        return TemplateValue.super.call(method, args);
    }

    @Override
    public String typeName() {
        return "time.Time";
    }

    /** Go's {@code time.Time.MarshalJSON}: RFC 3339 with nanoseconds, in the time's zone. */
    @Override
    public Object json() {
        return format("2006-01-02T15:04:05.999999999Z07:00");
    }

    /** Formats with a Go layout (the reference time Mon Jan 2 15:04:05 MST 2006), as Go's {@code Time.Format}. */
    public String format(String layout) {
        ZonedDateTime t = instant.atZone(zone);
        return GoLayout.format(t, zoneName != null ? zoneName : zoneAbbreviation(t), layout);
    }

    private static String zoneAbbreviation(ZonedDateTime t) {
        if (t.getZone().getId().equals("UTC") || t.getZone().getId().equals("Z")) {
            return "UTC";
        }
        String name = t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
        String abbreviation = java.time.format.DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH).format(t);
        return abbreviation.startsWith("GMT") || abbreviation.isEmpty() ? offset(t, "-07") : abbreviation.isEmpty() ? name : abbreviation;
    }

    private static String offset(ZonedDateTime t, String layout) {
        int total = t.getOffset().getTotalSeconds();
        char sign = total < 0 ? '-' : '+';
        total = Math.abs(total);
        int hours = total / 3600;
        int minutes = total % 3600 / 60;
        return switch (layout) {
            case "-07" -> String.format("%c%02d", sign, hours);
            case "-07:00", "07:00" -> String.format("%c%02d:%02d", sign, hours, minutes);
            default -> String.format("%c%02d%02d", sign, hours, minutes);
        };
    }

}
