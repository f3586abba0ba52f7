package io.promethium.web.internal.api;

import io.promethium.goformat.GoStrings;
import io.promethium.api.model.Matcher;
import io.promethium.promql.parser.ParseException;
import io.promethium.promql.parser.PromQLParser;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Request parameters as Prometheus reads them ({@code r.FormValue}: form body of a POST, then
 * the URL query) and their parsing into times, durations, limits and matchers, with Prometheus's
 * error messages.
 */
public final class Params {

    /** Prometheus's {@code MinTime} / {@code MaxTime}: the API's open range bounds, in ms. */
    public static final long MIN_TIME = -9223309901257974L;
    public static final long MAX_TIME = 9223309901257974L;
    private static final String MIN_TIME_FORMATTED = "-292273086-05-16T16:47:06Z";
    private static final String MAX_TIME_FORMATTED = "292277025-08-18T07:12:54.999999999Z";

    private final Map<String, List<String>> query;
    private final Map<String, List<String>> form;

    /** Parameters already decoded: {@code form} (may be null) first, then {@code query}, as Go's {@code r.Form}. */
    public Params(Map<String, List<String>> query, Map<String, List<String>> form) {
        this.query = Objects.requireNonNull(query, "query is null");
        this.form = form == null ? Map.of() : form;
    }

    /** The first value, or {@code ""} when absent. */
    public String get(String name) {
        String v = first(form, name);
        if (v == null) {
            v = first(query, name);
        }
        return v == null ? "" : v;
    }

    private static String first(Map<String, List<String>> values, String name) {
        List<String> list = values.get(name);
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    public List<String> all(String name) {
        List<String> values = new ArrayList<>();
        List<String> f = form.get(name);
        if (f != null) {
            values.addAll(f);
        }
        List<String> q = query.get(name);
        if (q != null) {
            values.addAll(q);
        }
        return values;
    }

    /** A time parameter, or {@code defaultValue} when absent, with the {@code Invalid time value} wording of parseTimeParam. */
    public long timeOr(String name, long defaultValue) {
        String v = get(name);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            return parseTime(v);
        } catch (IllegalArgumentException e) {
            throw invalidParam(name, "Invalid time value for '" + name + "': " + e.getMessage());
        }
    }

    /** A required time parameter, parsed as the range query's start and end are. */
    public long time(String name) {
        try {
            return parseTime(get(name));
        } catch (IllegalArgumentException e) {
            throw invalidParam(name, e.getMessage());
        }
    }

    /** A duration parameter in ms (float seconds or a Prometheus duration). */
    public long duration(String name) {
        try {
            return parseDuration(get(name));
        } catch (IllegalArgumentException e) {
            throw invalidParam(name, e.getMessage());
        }
    }

    /** The {@code limit} parameter: 0 (no limit) when absent. */
    public int limit() {
        String v = get("limit");
        if (v.isEmpty()) {
            return 0;
        }
        int limit;
        try {
            limit = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw invalidParam("limit", "strconv.Atoi: parsing " + GoStrings.quote(v) + ": invalid syntax");
        }
        if (limit < 0) {
            throw invalidParam("limit", "limit must be non-negative");
        }
        return limit;
    }

    /**
     * The {@code match[]} selectors, each with at least one matcher that does not match the empty
     * string. Errors name the parameter when {@code named} (series, delete_series) and are bare
     * otherwise (labels, label values), as Prometheus words them.
     */
    public List<List<Matcher>> matchers(String name, boolean named) {
        List<List<Matcher>> sets = new ArrayList<>();
        for (String selector : all(name)) {
            List<Matcher> matchers;
            try {
                matchers = PromQLParser.parseMetricSelector(selector);
            } catch (ParseException e) {
                String message = e.detail().equals("vector selector must contain at least one non-empty matcher")
                        ? "match[] must contain at least one non-empty matcher" : e.getMessage();
                throw named ? invalidParam(name, message) : new ApiError(ApiError.Type.BAD_DATA, message);
            } catch (IllegalArgumentException e) {
                throw named ? invalidParam(name, String.valueOf(e.getMessage()))
                        : new ApiError(ApiError.Type.BAD_DATA, String.valueOf(e.getMessage()));
            }
            boolean nonEmpty = false;
            for (Matcher m : matchers) {
                if (!m.matchesEmpty()) {
                    nonEmpty = true;
                    break;
                }
            }
            if (!nonEmpty) {
                String message = "match[] must contain at least one non-empty matcher";
                throw named ? invalidParam(name, message) : new ApiError(ApiError.Type.BAD_DATA, message);
            }
            sets.add(matchers);
        }
        return sets;
    }

    public static ApiError invalidParam(String name, String message) {
        return new ApiError(ApiError.Type.BAD_DATA, "invalid parameter " + GoStrings.quote(name) + ": " + message);
    }

    /** Unix seconds with fraction (rounded to ms) or RFC 3339, as Prometheus's parseTime. */
    public static long parseTime(String s) {
        if (looksNumeric(s)) {
            double t;
            try {
                t = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                t = Double.NaN;
            }
            if (!Double.isNaN(t) && !Double.isInfinite(t)) {
                // As Go's math.Modf, rounding the fraction to ms, then time.Unix and FromTime.
                double whole = t < 0 ? Math.ceil(t) : Math.floor(t);
                double fraction = t - whole;
                fraction = Math.copySign(Math.floor(Math.abs(fraction) * 1000 + 0.5), fraction) / 1000;
                long nanos = (long) (fraction * 1e9);
                try {
                    return Math.addExact(Math.multiplyExact((long) whole, 1000L), Math.floorDiv(nanos, 1_000_000L));
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("cannot parse " + GoStrings.quote(s) + " to a valid timestamp");
                }
            }
        }
        if (s.equals(MIN_TIME_FORMATTED)) {
            return MIN_TIME;
        }
        if (s.equals(MAX_TIME_FORMATTED)) {
            return MAX_TIME;
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(s);
            return t.toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            // not RFC 3339 either
            throw new IllegalArgumentException("cannot parse " + GoStrings.quote(s) + " to a valid timestamp");
        }
    }

    /** Float seconds or a Prometheus duration ({@code 1m30s}), in ms. */
    public static long parseDuration(String s) {
        if (looksNumeric(s)) {
            double d;
            try {
                d = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cannot parse " + GoStrings.quote(s) + " to a valid duration");
            }
            double nanos = d * 1e9;
            if (nanos > Long.MAX_VALUE || nanos < Long.MIN_VALUE || Double.isNaN(d)) {
                throw new IllegalArgumentException("cannot parse " + GoStrings.quote(s) + " to a valid duration. It overflows int64");
            }
            return (long) nanos / 1_000_000;
        }
        try {
            return PromQLParser.parseDuration(s);
        } catch (ParseException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot parse " + GoStrings.quote(s) + " to a valid duration");
        }
    }

    private static boolean looksNumeric(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return false;
            }
        }
        return true;
    }
}
