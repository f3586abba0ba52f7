package io.promethium.otlp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prometheus's OTLP naming rules (its {@code otlptranslator} library): metric names from an OTLP
 * name, unit and type (unit suffixes, {@code _total}, {@code _ratio}), label names from attribute
 * keys, and the unit metadata. Pure functions of their inputs.
 */
final class Names {

    /** OTLP metric kinds as the naming rules tell them apart. */
    enum Kind { GAUGE, MONOTONIC_COUNTER, NON_MONOTONIC_COUNTER, HISTOGRAM, EXPONENTIAL_HISTOGRAM, SUMMARY, UNKNOWN }

    private static final Map<String, String> UNITS = Map.ofEntries(
            Map.entry("d", "days"), Map.entry("h", "hours"), Map.entry("min", "minutes"), Map.entry("s", "seconds"),
            Map.entry("ms", "milliseconds"), Map.entry("us", "microseconds"), Map.entry("ns", "nanoseconds"),
            Map.entry("By", "bytes"), Map.entry("KiBy", "kibibytes"), Map.entry("MiBy", "mebibytes"), Map.entry("GiBy", "gibibytes"),
            Map.entry("TiBy", "tibibytes"), Map.entry("KBy", "kilobytes"), Map.entry("MBy", "megabytes"), Map.entry("GBy", "gigabytes"),
            Map.entry("TBy", "terabytes"), Map.entry("m", "meters"), Map.entry("V", "volts"), Map.entry("A", "amperes"),
            Map.entry("J", "joules"), Map.entry("W", "watts"), Map.entry("g", "grams"), Map.entry("Cel", "celsius"),
            Map.entry("Hz", "hertz"), Map.entry("1", ""), Map.entry("%", "percent"));

    private static final Map<String, String> PER_UNITS = Map.of(
            "s", "second", "m", "minute", "h", "hour", "d", "day", "w", "week", "mo", "month", "y", "year");

    private Names() {
    }

    /** A name that cannot be built (empty, or only underscores), with Prometheus's message. */
    static final class InvalidName extends Exception {
        InvalidName(String message) {
            super(message);
        }
    }

    /** The metric family name, as {@code MetricNamer.Build}. */
    static String metricName(String name, String unit, Kind kind, TranslationStrategy strategy) throws InvalidName {
        if (!strategy.escape()) {
            return utf8MetricName(name, unit, kind, strategy.suffixes());
        }
        String out;
        if (strategy.suffixes()) {
            out = normalize(name, unit, kind);
        } else {
            out = String.join("_", fields(name, true));
            if (!out.isEmpty() && Character.isDigit(out.charAt(0))) {
                out = "_" + out;
            }
        }
        if (out.isEmpty()) {
            throw new InvalidName("normalization for metric \"" + name + "\" resulted in empty name");
        }
        if (!out.equals(name) && onlyUnderscores(out)) {
            throw new InvalidName("normalization for metric \"" + name + "\" resulted in invalid name \"" + out + "\"");
        }
        return out;
    }

    private static boolean metricChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ':';
    }

    /** Go's {@code strings.FieldsFunc} with the metric-name separator: runs of other characters split. */
    private static List<String> fields(String s, boolean keepUnderscore) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        s.codePoints().forEach(c -> {
            if (metricChar(c) || keepUnderscore && c == '_') {
                cur.appendCodePoint(c);
            } else if (!cur.isEmpty()) {
                out.add(cur.toString());
                cur.setLength(0);
            }
        });
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }

    private static String normalize(String name, String unit, Kind kind) {
        List<String> tokens = fields(name, false);
        String[] suffixes = unitSuffixes(unit);
        String main = cleanUpUnit(suffixes[0]);
        String per = cleanUpUnit(suffixes[1]);
        if (tokens.contains(main)) {
            main = "";
        }
        if (per.equals("per_")) {
            per = "";
        } else {
            per = per.endsWith("_") ? per.substring(0, per.length() - 1) : per;
            if (tokens.contains(per)) {
                per = "";
            }
        }
        if (!per.isEmpty() && main.endsWith("_")) {
            main = main.substring(0, main.length() - 1);
        }
        if (!main.isEmpty()) {
            tokens.add(main);
        }
        if (!per.isEmpty()) {
            tokens.add(per);
        }
        if (kind == Kind.MONOTONIC_COUNTER) {
            tokens.removeIf("total"::equals);
            tokens.add("total");
        }
        if (unit.equals("1") && kind == Kind.GAUGE) {
            tokens.removeIf("ratio"::equals);
            tokens.add("ratio");
        }
        String out = String.join("_", tokens);
        if (!out.isEmpty() && Character.isDigit(out.charAt(0))) {
            out = "_" + out;
        }
        return out;
    }

    private static String utf8MetricName(String name, String unit, Kind kind, boolean suffixes) {
        if (!suffixes) {
            return name;
        }
        String out = name;
        String tail = "";
        // Go's deferred appends run last-registered first: per-unit, then _total, then _ratio.
        if (unit.equals("1") && kind == Kind.GAUGE) {
            out = trimSuffix(out, "ratio");
            tail = "_ratio";
        }
        if (kind == Kind.MONOTONIC_COUNTER) {
            out = trimSuffix(out, "total");
            tail = "_total" + tail;
        }
        String[] s = unitSuffixes(unit);
        if (!s[1].isEmpty()) {
            out = trimSuffix(out, s[1]);
            tail = "_" + s[1] + tail;
        }
        if (!s[0].isEmpty() && !out.endsWith(s[0])) {
            out = out + "_" + s[0];
        }
        return out + tail;
    }

    private static String trimSuffix(String name, String suffix) {
        if (name.endsWith(suffix) && name.length() > suffix.length() + 1) {
            return name.substring(0, name.length() - suffix.length() - 1);
        }
        return name;
    }

    /** {@code [main, per]}: the unit's Prometheus words, {@code per_<unit>} for the part after {@code /}. */
    static String[] unitSuffixes(String unit) {
        String main = "";
        String per = "";
        int slash = unit.indexOf('/');
        String mainOtel = (slash < 0 ? unit : unit.substring(0, slash)).strip();
        if (!mainOtel.isEmpty() && mainOtel.indexOf('{') < 0 && mainOtel.indexOf('}') < 0) {
            main = UNITS.getOrDefault(mainOtel, mainOtel);
        }
        if (slash >= 0 && slash + 1 < unit.length()) {
            String perOtel = unit.substring(slash + 1).strip();
            if (!perOtel.isEmpty() && perOtel.indexOf('{') < 0 && perOtel.indexOf('}') < 0) {
                per = PER_UNITS.getOrDefault(perOtel, perOtel);
            }
            if (!per.isEmpty()) {
                per = "per_" + per;
            }
        }
        return new String[] {main, per};
    }

    private static String cleanUpUnit(String unit) {
        StringBuilder b = new StringBuilder();
        boolean prevUnderscore = false;
        for (int i = 0; i < unit.length(); ) {
            int c = unit.codePointAt(i);
            i += Character.charCount(c);
            int r = metricChar(c) ? c : '_';
            if (r == '_') {
                if (!prevUnderscore) {
                    b.append('_');
                }
                prevUnderscore = true;
            } else {
                b.appendCodePoint(r);
                prevUnderscore = false;
            }
        }
        return b.length() > 0 && b.charAt(0) == '_' ? b.substring(1) : b.toString();
    }

    /** The unit metadata of a family ({@code UnitNamer} without UTF-8, as Prometheus's handler uses it). */
    static String unit(String unit) {
        String[] s = unitSuffixes(unit);
        String main = cleanUpUnit(s[0]);
        String per = cleanUpUnit(s[1]);
        String u = !main.isEmpty() && !per.isEmpty() ? main + "_" + per : !main.isEmpty() ? main : per;
        if (u.startsWith("_")) {
            u = u.substring(1);
        }
        if (u.endsWith("_")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    /** Options of label-name building ({@code otlp:} settings). */
    record LabelRules(boolean utf8, boolean underscoreSanitization, boolean preserveMultipleUnderscores) {
    }

    /** A label name from an attribute key, as {@code LabelNamer.Build}. */
    static String labelName(String label, LabelRules rules) throws InvalidName {
        if (label.isEmpty()) {
            throw new InvalidName("label name is empty");
        }
        if (rules.utf8()) {
            if (onlyUnderscores(label)) {
                throw new InvalidName("label name \"" + label + "\" contains only underscores");
            }
            return label;
        }
        String out = sanitizeLabel(label, rules.preserveMultipleUnderscores());
        if (Character.isDigit(out.charAt(0))) {
            out = "key_" + out;
        } else if (rules.underscoreSanitization() && out.startsWith("_") && !out.startsWith("__")) {
            out = "key" + out;
        }
        if (onlyUnderscores(out)) {
            throw new InvalidName("normalization for label name \"" + label + "\" resulted in invalid name \"" + out + "\"");
        }
        return out;
    }

    private static boolean labelChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static String sanitizeLabel(String name, boolean preserveMultiple) {
        StringBuilder b = new StringBuilder(name.length());
        if (preserveMultiple) {
            name.codePoints().forEach(c -> b.appendCodePoint(labelChar(c) ? c : '_'));
            return b.toString();
        }
        boolean reserved = name.length() >= 4 && name.startsWith("__") && name.endsWith("__");
        String inner = reserved ? name.substring(2, name.length() - 2) : name;
        if (reserved) {
            b.append("__");
        }
        boolean prevUnderscore = false;
        for (int i = 0; i < inner.length(); ) {
            int c = inner.codePointAt(i);
            i += Character.charCount(c);
            if (labelChar(c)) {
                b.appendCodePoint(c);
                prevUnderscore = false;
            } else if (!prevUnderscore) {
                b.append('_');
                prevUnderscore = true;
            }
        }
        if (reserved) {
            b.append("__");
        }
        return b.toString();
    }

    private static boolean onlyUnderscores(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '_') {
                return false;
            }
        }
        return true;
    }
}
