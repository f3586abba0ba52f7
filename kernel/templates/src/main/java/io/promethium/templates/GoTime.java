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
public record GoTime(Instant instant, ZoneId zone) implements TemplateValue {

    public GoTime {
        Objects.requireNonNull(instant, "instant is null");
        zone = zone == null ? ZoneId.of("UTC") : zone;
    }

    public static GoTime utc(Instant instant) {
        return new GoTime(instant, ZoneId.of("UTC"));
    }

    /** Go's {@code time.Time.String()}: {@code 2006-01-02 15:04:05.999999999 -0700 MST}. */
    @Override
    public String toString() {
        return format("2006-01-02 15:04:05.999999999 -0700 MST");
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

    /** Formats with a Go layout (the reference time Mon Jan 2 15:04:05 MST 2006). */
    public String format(String layout) {
        ZonedDateTime t = instant.atZone(zone);
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < layout.length()) {
            String rest = layout.substring(i);
            String token = matchToken(rest);
            if (token == null) {
                out.append(layout.charAt(i));
                i++;
                continue;
            }
            i += token.length();
            switch (token) {
                case "2006" -> out.append(String.format("%04d", t.getYear()));
                case "06" -> out.append(String.format("%02d", t.getYear() % 100));
                case "January" -> out.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case "Jan" -> out.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case "01" -> out.append(String.format("%02d", t.getMonthValue()));
                case "1" -> out.append(t.getMonthValue());
                case "Monday" -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case "Mon" -> out.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case "002" -> out.append(String.format("%03d", t.getDayOfYear()));
                case "02" -> out.append(String.format("%02d", t.getDayOfMonth()));
                case "_2" -> out.append(String.format("%2d", t.getDayOfMonth()));
                case "2" -> out.append(t.getDayOfMonth());
                case "15" -> out.append(String.format("%02d", t.getHour()));
                case "03" -> out.append(String.format("%02d", hour12(t)));
                case "3" -> out.append(hour12(t));
                case "04" -> out.append(String.format("%02d", t.getMinute()));
                case "4" -> out.append(t.getMinute());
                case "05" -> out.append(String.format("%02d", t.getSecond()));
                case "5" -> out.append(t.getSecond());
                case "PM" -> out.append(t.getHour() >= 12 ? "PM" : "AM");
                case "pm" -> out.append(t.getHour() >= 12 ? "pm" : "am");
                case "MST" -> out.append(zoneAbbreviation(t));
                case "Z07:00", "Z0700", "Z07" -> out.append(t.getOffset().getTotalSeconds() == 0 ? "Z"
                        : offset(t, token.substring(1)));
                case "-07:00", "-0700", "-07" -> out.append(offset(t, token));
                default -> fraction(out, t.getNano(), token);
            }
        }
        return out.toString();
    }

    private static final String[] TOKENS = {"2006", "January", "Jan", "Monday", "Mon", "MST", "Z07:00", "Z0700", "Z07",
        "-07:00", "-0700", "-07", "002", "01", "02", "_2", "03", "04", "05", "06", "15", "PM", "pm", "1", "2", "3", "4", "5"};

    private static String matchToken(String rest) {
        if ((rest.startsWith(".0") || rest.startsWith(".9") || rest.startsWith(",0") || rest.startsWith(",9"))) {
            char digit = rest.charAt(1);
            int n = 1;
            while (n < rest.length() && rest.charAt(n) == digit) {
                n++;
            }
            // Go treats .000 as a fraction only when no digit follows.
            if (n >= rest.length() || !Character.isDigit(rest.charAt(n))) {
                return rest.substring(0, n);
            }
        }
        for (String token : TOKENS) {
            if (rest.startsWith(token)) {
                return token;
            }
        }
        return null;
    }

    private static int hour12(ZonedDateTime t) {
        int h = t.getHour() % 12;
        return h == 0 ? 12 : h;
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

    private static void fraction(StringBuilder out, int nanos, String token) {
        int digits = token.length() - 1;
        String full = String.format("%09d", nanos).substring(0, Math.min(9, digits));
        if (token.charAt(1) == '9') {
            full = full.replaceAll("0+$", "");
            if (full.isEmpty()) {
                return;
            }
        }
        out.append(token.charAt(0)).append(full);
    }
}
