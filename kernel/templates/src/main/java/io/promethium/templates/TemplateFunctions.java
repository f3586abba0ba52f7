package io.promethium.templates;

import io.promethium.goformat.GoFloat;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The functions templates may call: Go text/template's built-ins and Prometheus's additions
 * ({@code humanize*}, {@code query} and friends, string helpers).
 */
final class TemplateFunctions {

    @FunctionalInterface
    interface Fn {
        Object apply(Env env, List<Object> args) throws Exception;
    }

    /**
     * What a call may depend on besides its arguments: the run's context, the dialect (whose
     * {@code now} differs) and the resolver of Alertmanager's {@code routeLabels}.
     */
    record Env(QueryFunction query, String externalUrl, Dialect dialect, ExecutionContext context, RouteLabels routeLabels) {
    }

    /** Alertmanager's {@code routeLabels} for one top-level run: a route label's value by name. */
    @FunctionalInterface
    interface RouteLabels {
        String resolve(String name) throws TemplateException;
    }

    private static final String[] SI_BIG = {"", "k", "M", "G", "T", "P", "E", "Z", "Y"};
    private static final String[] SI_SMALL = {"m", "u", "n", "p", "f", "a", "z", "y"};
    private static final String[] IEC = {"", "ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};

    /** Go text/template's built-ins, in every dialect. */
    private static final Set<String> BUILTIN = Set.of("and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len",
            "index", "print", "printf", "println", "html", "js", "urlquery");

    /** Prometheus's rule template functions, for the parser's "not defined" check. */
    static final Set<String> PROMETHEUS_NAMES = union(BUILTIN, Set.of("humanize", "humanize1024", "humanizeDuration",
            "humanizePercentage", "humanizeTimestamp", "title", "toUpper", "toLower", "reReplaceAll", "match",
            "stripPort", "stripDomain", "parseDuration", "query", "first", "label", "value", "strvalue", "sortByLabel",
            "args", "safeHtml", "externalURL", "pathPrefix", "graphLink", "tableLink", "urlQueryEscape", "toTime", "toDuration",
            "now"));

    /** Alertmanager's notification template functions (its template.DefaultFuncs). */
    static final Set<String> ALERTMANAGER_NAMES = union(BUILTIN, Set.of("toUpper", "toLower", "title", "trimSpace",
            "join", "match", "safeHtml", "safeUrl", "urlUnescape", "reReplaceAll", "stringSlice", "date", "tz", "since",
            "humanizeDuration", "toJson", "list", "append", "dict", "base64encode", "now", "toDate", "mustToDate",
            "base64decode", "routeLabels"));

    private static final Set<String> NAMES = union(PROMETHEUS_NAMES, ALERTMANAGER_NAMES);

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private static final Map<String, Fn> FUNCTIONS = new HashMap<>();

    /**
     * A function's Go parameter types, as text/template checks arguments against them (exec.go's
     * evalArg and validateType); with {@code variadic} the last one repeats.
     */
    record Signature(List<String> params, boolean variadic) {
        /** The type of argument {@code i} (0-based). */
        String param(int i) {
            return variadic && i >= params.size() - 1 ? params.get(params.size() - 1) : params.get(i);
        }
    }

    private static final String ANY = "interface {}";
    private static final String VALUE = "reflect.Value";
    private static final String STRING = "string";
    private static final String TIME = "time.Time";
    private static final String QUERY_RESULT = "template.queryResult";
    private static final String SAMPLE = "*template.sample";

    /** The signatures of Go's built-ins (funcs.go), Prometheus's and Alertmanager's functions. */
    private static final Map<String, Signature> SIGNATURES = new HashMap<>();

    private static void sig(String name, boolean variadic, String... params) {
        SIGNATURES.put(name, new Signature(List.of(params), variadic));
    }

    static {
        for (String n : List.of("and", "or", "eq", "index")) {
            sig(n, true, VALUE, VALUE);
        }
        for (String n : List.of("ne", "lt", "le", "gt", "ge")) {
            sig(n, false, VALUE, VALUE);
        }
        sig("not", false, VALUE);
        sig("len", false, VALUE);
        for (String n : List.of("print", "println", "html", "js", "urlquery", "args", "list", "dict")) {
            sig(n, true, ANY);
        }
        sig("printf", true, STRING, ANY);
        for (String n : List.of("humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp", "toJson",
                "toTime", "toDuration")) {
            sig(n, false, ANY);
        }
        for (String n : List.of("title", "toUpper", "toLower", "stripPort", "stripDomain", "parseDuration", "query", "graphLink",
                "tableLink", "safeHtml", "trimSpace", "safeUrl", "urlUnescape", "urlQueryEscape", "base64encode")) {
            sig(n, false, STRING);
        }
        sig("reReplaceAll", false, STRING, STRING, STRING);
        sig("match", false, STRING, STRING);
        sig("first", false, QUERY_RESULT);
        sig("label", false, STRING, SAMPLE);
        sig("value", false, SAMPLE);
        sig("strvalue", false, SAMPLE);
        sig("sortByLabel", false, STRING, QUERY_RESULT);
        sig("externalURL", false);
        sig("now", false);
        sig("toDate", false, STRING, STRING);
        sig("mustToDate", false, STRING, STRING);
        sig("base64decode", false, STRING);
        sig("routeLabels", false, STRING);
        sig("pathPrefix", false);
        sig("join", false, STRING, "[]string");
        sig("stringSlice", true, STRING);
        sig("date", false, STRING, TIME);
        sig("tz", false, STRING, TIME);
        sig("since", false, TIME);
        sig("append", true, "[]interface {}", ANY);
    }

    static Signature signature(String name) {
        return SIGNATURES.get(name);
    }

    /** Go's canBeNil: interfaces, reflect.Value, slices, maps and pointers take a nil. */
    private static boolean canBeNil(String type) {
        return type.equals(ANY) || type.equals(VALUE) || type.equals(QUERY_RESULT) || type.startsWith("[]") || type.startsWith("*")
                || type.startsWith("map[");
    }

    /**
     * Go's evalArg for a constant ({@code nil}, a string, number or boolean) given for a
     * parameter of {@code type}: {@code null} when it is taken, else Go's message.
     */
    static String constantProblem(Object constant, String source, String type) {
        if (constant == null) {
            return canBeNil(type) ? null : "cannot assign nil to " + type;
        }
        if (type.equals(ANY) || type.equals(VALUE)) {
            return null;
        }
        if (type.equals(STRING)) {
            return constant instanceof String ? null : "expected string; found " + source;
        }
        return "can't handle " + source + " for arg of type " + type;
    }

    /**
     * Go's validateType for a value given for a parameter of {@code type}: {@code null} when it
     * is taken, else Go's message; a null is no value ({@code noValue}: "invalid value") or a nil
     * interface ("wrong type for value; ... got interface {}").
     */
    static String valueProblem(Object value, boolean noValue, String type) {
        if (type.equals(ANY) || type.equals(VALUE)) {
            return null;
        }
        if (value == null) {
            if (noValue) {
                return canBeNil(type) ? null : "invalid value; expected " + type;
            }
            return "wrong type for value; expected " + type + "; got interface {}";
        }
        boolean ok = switch (type) {
            case STRING -> value instanceof String;
            case TIME -> value instanceof GoTime;
            case SAMPLE -> value instanceof QuerySample;
            case "[]string" -> value instanceof List<?> l && l.stream().allMatch(e -> e instanceof String);
            default -> value instanceof List<?>;
        };
        return ok ? null : "wrong type for value; expected " + type + "; got " + GoFormat.typeName(value);
    }

    private final Env env;

    TemplateFunctions(ExecutionContext context, Dialect dialect, RouteLabels routeLabels) {
        this.env = new Env(context.query(), context.externalUrl(), Objects.requireNonNull(dialect, "dialect is null"),
                context, Objects.requireNonNull(routeLabels, "routeLabels is null"));
    }

    static {
        FUNCTIONS.put("and", (env, a) -> {
            arity("and", a, 1, -1);
            for (Object o : a) {
                if (!truth(o)) {
                    return o;
                }
            }
            return a.get(a.size() - 1);
        });
        FUNCTIONS.put("or", (env, a) -> {
            arity("or", a, 1, -1);
            for (Object o : a) {
                if (truth(o)) {
                    return o;
                }
            }
            return a.get(a.size() - 1);
        });
        FUNCTIONS.put("not", (env, a) -> {
            arity("not", a, 1, 1);
            return !truth(a.get(0));
        });
        FUNCTIONS.put("eq", (env, a) -> {
            if (a.size() < 2) {
                // Go's eq takes one argument and then finds nothing to compare it with.
                throw new TemplateException("missing argument for comparison");
            }
            for (int i = 1; i < a.size(); i++) {
                if (compare(a.get(0), a.get(i), true) == 0) {
                    return true;
                }
            }
            return false;
        });
        FUNCTIONS.put("ne", (env, a) -> {
            arity("ne", a, 2, 2);
            return compare(a.get(0), a.get(1), true) != 0;
        });
        FUNCTIONS.put("lt", (env, a) -> {
            arity("lt", a, 2, 2);
            return compare(a.get(0), a.get(1), false) < 0;
        });
        FUNCTIONS.put("le", (env, a) -> {
            arity("le", a, 2, 2);
            return compare(a.get(0), a.get(1), false) <= 0;
        });
        FUNCTIONS.put("gt", (env, a) -> {
            arity("gt", a, 2, 2);
            return compare(a.get(0), a.get(1), false) > 0;
        });
        FUNCTIONS.put("ge", (env, a) -> {
            arity("ge", a, 2, 2);
            return compare(a.get(0), a.get(1), false) >= 0;
        });
        FUNCTIONS.put("len", (env, a) -> {
            arity("len", a, 1, 1);
            return switch (a.get(0)) {
                case String s -> (long) s.getBytes(StandardCharsets.UTF_8).length;
                case List<?> l -> (long) l.size();
                case Map<?, ?> m -> (long) m.size();
                case null, default -> throw new TemplateException("len of type " + GoFormat.typeName(a.get(0)));
            };
        });
        FUNCTIONS.put("index", (env, a) -> index(a.get(0), a.subList(1, a.size())));
        FUNCTIONS.put("print", (env, a) -> sprint(a));
        FUNCTIONS.put("println", (env, a) -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < a.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(GoFormat.print(a.get(i)));
            }
            return sb.append('\n').toString();
        });
        FUNCTIONS.put("printf", (env, a) -> {
            arity("printf", a, 1, -1);
            return GoFormat.sprintf(string("printf", a.get(0)), a.subList(1, a.size()));
        });
        FUNCTIONS.put("html", (env, a) -> htmlEscape(evalArgs(a)));
        FUNCTIONS.put("safeHtml", (env, a) -> {
            arity("safeHtml", a, 1, 1);
            return new HtmlEscaping.Typed(HtmlEscaping.Typed.Kind.HTML, string("safeHtml", a.get(0)));
        });
        FUNCTIONS.put("js", (env, a) -> jsEscape(evalArgs(a)));
        FUNCTIONS.put("urlquery", (env, a) -> queryEscape(evalArgs(a)));
        FUNCTIONS.put("humanize", (env, a) -> humanize(toFloat("humanize", one("humanize", a))));
        FUNCTIONS.put("humanize1024", (env, a) -> humanize1024(toFloat("humanize1024", one("humanize1024", a))));
        FUNCTIONS.put("humanizeDuration", (env, a) -> humanizeDuration(toFloat("humanizeDuration", one("humanizeDuration", a))));
        FUNCTIONS.put("humanizePercentage", (env, a) -> GoFloat.formatG(toFloat("humanizePercentage", one("humanizePercentage", a)) * 100, 4) + "%");
        FUNCTIONS.put("humanizeTimestamp", (env, a) -> humanizeTimestamp(toFloat("humanizeTimestamp", one("humanizeTimestamp", a))));
        FUNCTIONS.put("title", (env, a) -> title(string("title", one("title", a))));
        FUNCTIONS.put("toUpper", (env, a) -> string("toUpper", one("toUpper", a)).toUpperCase(java.util.Locale.ROOT));
        FUNCTIONS.put("toLower", (env, a) -> string("toLower", one("toLower", a)).toLowerCase(java.util.Locale.ROOT));
        FUNCTIONS.put("reReplaceAll", (env, a) -> {
            arity("reReplaceAll", a, 3, 3);
            Pattern p = regex("reReplaceAll", string("reReplaceAll", a.get(0)));
            return replaceAll(p, string("reReplaceAll", a.get(2)), string("reReplaceAll", a.get(1)));
        });
        FUNCTIONS.put("match", (env, a) -> {
            arity("match", a, 2, 2);
            return regex("match", string("match", a.get(0))).matcher(string("match", a.get(1))).find();
        });
        FUNCTIONS.put("stripPort", (env, a) -> stripPort(string("stripPort", one("stripPort", a))));
        FUNCTIONS.put("stripDomain", (env, a) -> stripDomain(string("stripDomain", one("stripDomain", a))));
        FUNCTIONS.put("parseDuration", (env, a) -> {
            String s = string("parseDuration", one("parseDuration", a));
            try {
                return io.promethium.api.config.Durations.parse(s).toMillis() / 1000.0;
            } catch (RuntimeException e) {
                throw new TemplateException("error calling parseDuration: " + e.getMessage());
            }
        });
        FUNCTIONS.put("query", (env, a) -> {
            String q = string("query", one("query", a));
            try {
                return env.query().query(q);
            } catch (Exception e) {
                throw new TemplateException("error calling query: " + e.getMessage());
            }
        });
        FUNCTIONS.put("first", (env, a) -> {
            if (one("first", a) == null) {
                // A nil queryResult is an empty one.
                throw new TemplateException("error calling first: first() called on vector with no elements");
            }
            if (a.get(0) instanceof List<?> l) {
                if (l.isEmpty()) {
                    throw new TemplateException("error calling first: first() called on vector with no elements");
                }
                return l.get(0);
            }
            throw new TemplateException("wrong type for value; expected []template.sample; got " + GoFormat.typeName(a.get(0)));
        });
        FUNCTIONS.put("label", (env, a) -> {
            arity("label", a, 2, 2);
            return sample("label", a.get(1)).labels().get(string("label", a.get(0)));
        });
        FUNCTIONS.put("value", (env, a) -> sample("value", one("value", a)).value());
        FUNCTIONS.put("strvalue", (env, a) -> sample("strvalue", one("strvalue", a)).labels().get("__value__"));
        FUNCTIONS.put("sortByLabel", (env, a) -> {
            arity("sortByLabel", a, 2, 2);
            String name = string("sortByLabel", a.get(0));
            if (a.get(1) == null) {
                return List.of();
            }
            if (!(a.get(1) instanceof List<?> l)) {
                throw new TemplateException("wrong type for value; expected []template.sample; got " + GoFormat.typeName(a.get(1)));
            }
            List<QuerySample> sorted = new ArrayList<>();
            for (Object o : l) {
                sorted.add((QuerySample) o);
            }
            sorted.sort((x, y) -> GoOrder.compare(x.labels().get(name), y.labels().get(name))); // stable, as sort.Stable
            return sorted;
        });
        FUNCTIONS.put("args", (env, a) -> {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < a.size(); i++) {
                map.put("arg" + i, a.get(i));
            }
            return map;
        });
        FUNCTIONS.put("externalURL", (env, a) -> env.externalUrl());
        FUNCTIONS.put("pathPrefix", (env, a) -> {
            try {
                String path = java.net.URI.create(env.externalUrl()).getPath();
                return path == null ? "" : path;
            } catch (IllegalArgumentException e) {
                return "";
            }
        });
        // Relative links, as Prometheus's strutil.GraphLinkForExpression/TableLinkForExpression (no external URL).
        FUNCTIONS.put("graphLink", (env, a) -> "/graph?g0.expr=" + queryEscape(string("graphLink", one("graphLink", a))) + "&g0.tab=0");
        FUNCTIONS.put("tableLink", (env, a) -> "/graph?g0.expr=" + queryEscape(string("tableLink", one("tableLink", a))) + "&g0.tab=1");
        FUNCTIONS.put("urlQueryEscape", (env, a) -> queryEscape(string("urlQueryEscape", one("urlQueryEscape", a))));
        FUNCTIONS.put("toTime", (env, a) -> toTime(toFloat("toTime", one("toTime", a))));
        FUNCTIONS.put("toDuration", (env, a) -> {
            double seconds = toFloat("toDuration", one("toDuration", a));
            return new GoDuration(java.time.Duration.ofNanos(goInt64(seconds * 1e9)));
        });
        FUNCTIONS.put("now", (env, a) -> {
            arity("now", a, 0, 0);
            if (env.dialect() == Dialect.PROMETHEUS) {
                // Prometheus: float64(timestamp) / 1000.0 of the evaluation's model.Time (whole milliseconds).
                return env.context().evaluationTime().toEpochMilli() / 1000.0;
            }
            // Alertmanager: time.Now, read when called, with its monotonic reading.
            return new GoTime(env.context().clock().instant(), java.time.ZoneId.of("UTC"), null,
                    System.nanoTime() - Monotonic.ORIGIN);
        });
        registerAlertmanagerFunctions();
        if (!NAMES.equals(FUNCTIONS.keySet())) {
            throw new IllegalStateException("function names out of sync: " + NAMES + " vs " + FUNCTIONS.keySet());
        }
    }

    /** Alertmanager's additions (template.DefaultFuncs); shared names behave as in Prometheus. */
    private static void registerAlertmanagerFunctions() {
        // The URL-safe alphabet, padded, as Alertmanager's base64encode (for a value in a URL query parameter).
        FUNCTIONS.put("base64encode", (env, a) -> java.util.Base64.getUrlEncoder()
                .encodeToString(string("base64encode", one("base64encode", a)).getBytes(StandardCharsets.UTF_8)));
        FUNCTIONS.put("base64decode", (env, a) -> base64UrlDecode(string("base64decode", one("base64decode", a))));
        FUNCTIONS.put("toDate", (env, a) -> {
            // Alertmanager: the zero time when the value does not parse.
            arity("toDate", a, 2, 2);
            try {
                return GoLayout.parseInUtc(string("toDate", a.get(0)), string("toDate", a.get(1)));
            } catch (GoLayout.ParseException e) {
                return GoTime.utc(NotificationZero.TIME);
            }
        });
        FUNCTIONS.put("mustToDate", (env, a) -> {
            arity("mustToDate", a, 2, 2);
            try {
                return GoLayout.parseInUtc(string("mustToDate", a.get(0)), string("mustToDate", a.get(1)));
            } catch (GoLayout.ParseException e) {
                throw new TemplateException("error calling mustToDate: " + e.getMessage());
            }
        });
        FUNCTIONS.put("routeLabels", (env, a) -> {
            String name = string("routeLabels", one("routeLabels", a));
            try {
                return env.routeLabels().resolve(name);
            } catch (TemplateException e) {
                throw new TemplateException("error calling routeLabels: " + e.getMessage());
            }
        });
        FUNCTIONS.put("trimSpace", (env, a) -> trimSpace(string("trimSpace", one("trimSpace", a))));
        FUNCTIONS.put("join", (env, a) -> {
            arity("join", a, 2, 2);
            String sep = string("join", a.get(0));
            List<String> parts = new ArrayList<>();
            if (a.get(1) == null) {
                return "";
            }
            if (!(a.get(1) instanceof List<?> list)) {
                throw new TemplateException("wrong type for value; expected []string; got " + GoFormat.typeName(a.get(1)));
            }
            for (Object o : list) {
                parts.add(string("join", o));
            }
            return String.join(sep, parts);
        });
        FUNCTIONS.put("safeUrl", (env, a) -> new HtmlEscaping.Typed(HtmlEscaping.Typed.Kind.URL, string("safeUrl", one("safeUrl", a))));
        FUNCTIONS.put("urlUnescape", (env, a) -> {
            try {
                return java.net.URLDecoder.decode(string("urlUnescape", one("urlUnescape", a)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new TemplateException("error calling urlUnescape: " + e.getMessage());
            }
        });
        FUNCTIONS.put("stringSlice", (env, a) -> {
            List<String> out = new ArrayList<>();
            for (Object o : a) {
                out.add(string("stringSlice", o));
            }
            return List.copyOf(out);
        });
        FUNCTIONS.put("date", (env, a) -> {
            arity("date", a, 2, 2);
            return time("date", a.get(1)).format(string("date", a.get(0)));
        });
        FUNCTIONS.put("tz", (env, a) -> {
            arity("tz", a, 2, 2);
            String zone = string("tz", a.get(0));
            try {
                return new GoTime(time("tz", a.get(1)).instant(), java.time.ZoneId.of(zone.equals("Local") ? "UTC" : zone));
            } catch (java.time.DateTimeException e) {
                throw new TemplateException("error calling tz: unknown time zone " + zone);
            }
        });
        FUNCTIONS.put("since", (env, a) -> {
            Instant t = time("since", one("since", a)).instant();
            return new GoDuration(java.time.Duration.between(t, env.context().clock().instant()));
        });
        FUNCTIONS.put("toJson", (env, a) -> {
            try {
                return Json.write(one("toJson", a));
            } catch (Json.UnsupportedValueException e) {
                throw new TemplateException("error calling toJson: " + e.getMessage());
            }
        });
        FUNCTIONS.put("list", (env, a) -> List.copyOf(a.stream().map(o -> o == null ? (Object) "" : o).toList()));
        FUNCTIONS.put("append", (env, a) -> {
            // Go: func(slice []any, args ...any) []any; a nil slice is an empty one.
            arity("append", a, 1, -1);
            List<Object> out = new ArrayList<>();
            if (a.get(0) instanceof List<?> list) {
                out.addAll(list);
            } else if (a.get(0) != null) {
                throw new TemplateException("wrong type for value; expected []interface {}; got " + GoFormat.typeName(a.get(0)));
            }
            out.addAll(a.subList(1, a.size()));
            return out;
        });
        FUNCTIONS.put("dict", (env, a) -> {
            if (a.size() % 2 != 0) {
                throw new TemplateException("error calling dict: dict requires an even number of arguments");
            }
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < a.size(); i += 2) {
                if (!(a.get(i) instanceof String key)) {
                    throw new TemplateException("error calling dict: dict keys must be strings");
                }
                map.put(key, a.get(i + 1));
            }
            return map;
        });
    }

    /**
     * Go's {@code index} (funcs.go): a nil to index is "index of untyped nil", a nil reached on
     * the way "index of nil pointer"; lists and strings take an int index ("cannot index
     * slice/array with nil" or "with type string", "index out of range: 5", and reflect's panic
     * for the index equal to the length), maps a string key ("value is nil; should be of type
     * string", "value has type int; should be string"; a missing key gives the map's zero value).
     */
    static Object index(Object item, List<Object> indexes) throws TemplateException {
        if (item == null) {
            throw new TemplateException("index of untyped nil");
        }
        for (Object key : indexes) {
            if (item == null) {
                throw new TemplateException("index of nil pointer");
            }
            switch (item) {
                case List<?> l -> item = l.get(position(key, l.size(), "slice"));
                case String s -> {
                    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                    item = (long) (bytes[position(key, bytes.length, "string")] & 0xff);
                }
                case Map<?, ?> m -> {
                    if (key == null) {
                        throw new TemplateException("value is nil; should be of type string");
                    }
                    if (!(key instanceof String k)) {
                        throw new TemplateException("value has type " + GoFormat.typeName(key) + "; should be string");
                    }
                    if (m.containsKey(k)) {
                        item = m.get(k);
                    } else {
                        // The zero value of the map's element type: "" for label maps, nil for maps of any.
                        item = m.isEmpty() || m.values().iterator().next() instanceof String ? "" : null;
                    }
                }
                default -> throw new TemplateException("can't index item of type " + GoFormat.typeName(item));
            }
        }
        return item;
    }

    /** Go's indexArg, then reflect's own check of an index equal to the length. */
    private static int position(Object key, int length, String what) throws TemplateException {
        long x = switch (key) {
            case Long l -> l;
            case Integer i -> i;
            case null -> throw new TemplateException("cannot index slice/array with nil");
            default -> throw new TemplateException("cannot index slice/array with type " + GoFormat.typeName(key));
        };
        if (x < 0 || x > length) {
            throw new TemplateException("index out of range: " + x);
        }
        if (x == length) {
            throw new TemplateException("reflect: " + what + " index out of range");
        }
        return (int) x;
    }

    private static GoTime time(String name, Object o) throws TemplateException {
        if (o instanceof GoTime t) {
            return t;
        }
        throw new TemplateException("wrong type for value; expected time.Time; got " + GoFormat.typeName(o));
    }

    /**
     * The origin of {@code now}'s monotonic reading: when this class loaded (Go's is the
     * process start). Immutable.
     */
    private static final class Monotonic {
        static final long ORIGIN = System.nanoTime();
    }

    /** Go's zero time. */
    private static final class NotificationZero {
        static final Instant TIME = Instant.parse("0001-01-01T00:00:00Z");
    }

    /**
     * Go's {@code base64.URLEncoding.DecodeString} (the URL-safe alphabet, padded, not strict):
     * CR and LF skipped; any other byte outside the alphabet, missing or misplaced padding and
     * text after the padding are {@code illegal base64 data at input byte N} at Go's offset.
     * Written here: Java's decoder accepts missing padding and reports no offset. The bytes
     * become a string as Go's {@code string(b)} would print them (invalid UTF-8 as U+FFFD).
     */
    static String base64UrlDecode(String text) throws TemplateException {
        byte[] src = text.getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(src.length * 3 / 4);
        int si = 0;
        while (true) {
            int[] dbuf = new int[4];
            int dlen = 4;
            int error = -1;
            boolean end = false;
            for (int j = 0; j < 4; j++) {
                if (si == src.length) {
                    if (j == 0) {
                        return out.toString(StandardCharsets.UTF_8);
                    }
                    // The padded encoding wants whole quanta.
                    throw base64Error(si - j);
                }
                int in = src[si] & 0xff;
                si++;
                int v = base64Value(in);
                if (v >= 0) {
                    dbuf[j] = v;
                    continue;
                }
                if (in == '\n' || in == '\r') {
                    j--;
                    continue;
                }
                if (in != '=') {
                    throw base64Error(si - 1);
                }
                switch (j) {
                    case 0, 1 -> throw base64Error(si - 1);
                    case 2 -> {
                        while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
                            si++;
                        }
                        if (si == src.length) {
                            throw base64Error(src.length);
                        }
                        if (src[si] != '=') {
                            throw base64Error(si - 1);
                        }
                        si++;
                    }
                    default -> {
                    }
                }
                while (si < src.length && (src[si] == '\n' || src[si] == '\r')) {
                    si++;
                }
                if (si < src.length) {
                    error = si;
                }
                dlen = j;
                end = true;
                break;
            }
            int val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3];
            byte[] three = {(byte) (val >> 16), (byte) (val >> 8), (byte) val};
            out.write(three, 0, dlen - 1);
            if (error >= 0) {
                throw base64Error(error);
            }
            if (end) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }
    }

    private static int base64Value(int c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : c == '_' ? 63 : -1;
    }

    private static TemplateException base64Error(int offset) {
        return new TemplateException("error calling base64decode: illegal base64 data at input byte " + offset);
    }

    /** Calls a function with this execution's context. */
    Object call(String name, List<Object> args) throws Exception {
        return FUNCTIONS.get(name).apply(env, args);
    }

    static boolean truth(Object o) {
        return switch (o) {
            case null -> false;
            case Boolean b -> b;
            case String s -> !s.isEmpty();
            case HtmlEscaping.Typed t -> !t.text().isEmpty();
            case Long l -> l != 0;
            case Integer i -> i != 0;
            case Double d -> d != 0;
            case GoNumber.Complex c -> c.re() != 0 || c.im() != 0;
            case List<?> l -> !l.isEmpty();
            case Map<?, ?> m -> !m.isEmpty();
            default -> true;
        };
    }

    /** Go's comparison rules: same basic kind only; maps and lists are not comparable. */
    private static int compare(Object a, Object b, boolean equality) throws TemplateException {
        if (a instanceof Integer i) {
            a = (long) i;
        }
        if (b instanceof Integer i) {
            b = (long) i;
        }
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        if (a instanceof Double x && b instanceof Double y) {
            if (Double.isNaN(x) || Double.isNaN(y)) {
                return equality ? 1 : (x < y ? -1 : (x > y ? 1 : 2));
            }
            return Double.compare(x == 0.0 ? 0.0 : x, y == 0.0 ? 0.0 : y);
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        if (equality && a instanceof Boolean x && b instanceof Boolean y) {
            return x.equals(y) ? 0 : 1;
        }
        if (equality && a == null && b == null) {
            return 0;
        }
        if (a == null || b == null || a instanceof Map || b instanceof Map || a instanceof List || b instanceof List
                || a instanceof QuerySample || b instanceof QuerySample || (!equality && a instanceof Boolean)) {
            throw new TemplateException("error calling comparison: invalid type for comparison");
        }
        throw new TemplateException("error calling comparison: incompatible types for comparison");
    }

    private static void arity(String name, List<Object> args, int min, int max) throws TemplateException {
        if (args.size() < min || (max >= 0 && args.size() > max)) {
            throw new TemplateException("wrong number of args for " + name + ": want "
                    + (max < 0 ? "at least " + min : Integer.toString(min)) + " got " + args.size());
        }
    }

    private static Object one(String name, List<Object> args) throws TemplateException {
        arity(name, args, 1, 1);
        return args.get(0);
    }

    private static String string(String name, Object o) throws TemplateException {
        if (o instanceof String s) {
            return s;
        }
        if (o instanceof HtmlEscaping.Typed t) {
            return t.text();
        }
        throw new TemplateException("wrong type for value; expected string; got " + GoFormat.typeName(o));
    }

    private static QuerySample sample(String name, Object o) throws TemplateException {
        if (o instanceof QuerySample s) {
            return s;
        }
        if (o == null) {
            // Go dereferences the nil *sample and recovers the panic.
            throw new TemplateException("error calling " + name + ": runtime error: invalid memory address or nil pointer dereference");
        }
        throw new TemplateException("wrong type for value; expected template.sample; got " + GoFormat.typeName(o));
    }

    /** Prometheus's convertToFloat: numbers, and strings that parse as floats. */
    static double toFloat(String name, Object o) throws TemplateException {
        return switch (o) {
            case Double d -> d;
            case Long l -> l;
            case Integer i -> i;
            case GoDuration d -> d.duration().toNanos() / 1e9;
            case String s -> {
                try {
                    yield parseGoFloat(s);
                } catch (NumberFormatException e) {
                    throw new TemplateException("error calling " + name + ": strconv.ParseFloat: parsing "
                            + GoFormat.quote(s) + ": invalid syntax");
                }
            }
            case null, default -> throw new TemplateException("error calling " + name + ": can't convert "
                    + GoFormat.typeName(o) + " to float");
        };
    }

    /**
     * Go's {@code strings.TrimSpace}: Unicode White_Space removed at both ends (unlike Java's
     * strip: U+0085 and the no-break spaces go, U+001C..U+001F stay).
     */
    static String trimSpace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && goIsSpace(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (end > start && goIsSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    /** Go's {@code unicode.IsSpace}. */
    private static boolean goIsSpace(int c) {
        if (c <= 0xFF) {
            return c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r' || c == ' ' || c == 0x85 || c == 0xA0;
        }
        // Beyond Latin-1, Go's White_Space is exactly Unicode's Zs, Zl and Zp characters.
        return Character.isSpaceChar(c);
    }

    private static double parseGoFloat(String s) {
        String t = s.strip().equals(s) ? s : "x";
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan" -> {
                return Double.NaN;
            }
            default -> {
            }
        }
        if (!t.matches("[+-]?(\\d+\\.?\\d*([eE][+-]?\\d+)?|\\.\\d+([eE][+-]?\\d+)?|0[xX][0-9a-fA-F]+)")) {
            throw new NumberFormatException(s);
        }
        if (lower.contains("0x")) {
            boolean neg = t.startsWith("-");
            return (neg ? -1 : 1) * (double) Long.parseLong(lower.replaceFirst("^[+-]?0x", ""), 16);
        }
        return Double.parseDouble(t);
    }

    /** Go's url.QueryEscape: URLEncoder's form encoding, except that Go escapes '*' and keeps '~'. */
    static String queryEscape(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
    }

    /** Go's {@code fmt.Sprint}: a space between operands when neither is a string; nil is {@code <nil>}. */
    private static String sprint(List<Object> args) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0 && !(args.get(i) instanceof String) && !(args.get(i - 1) instanceof String)) {
                sb.append(' ');
            }
            sb.append(GoFormat.print(args.get(i)));
        }
        return sb.toString();
    }

    /**
     * text/template's {@code evalArgs}, behind {@code html}, {@code js}, {@code urlquery} (and
     * html/template's {@code _eval_args_}): a nil argument becomes the string {@code <no value>}
     * first, then the arguments are printed as {@code fmt.Sprint} prints them.
     */
    static String evalArgs(List<Object> args) {
        List<Object> printable = new ArrayList<>(args.size());
        for (Object a : args) {
            printable.add(a == null ? "<no value>" : a);
        }
        return sprint(printable);
    }

    static String humanize(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return GoFloat.formatG(v, 4);
        }
        if (Math.abs(v) >= 1) {
            int i = 0;
            while (i < SI_BIG.length - 1 && Math.abs(v) >= 1000) {
                v /= 1000;
                i++;
            }
            return GoFloat.formatG(v, 4) + SI_BIG[i];
        }
        String prefix = "";
        for (String p : SI_SMALL) {
            if (Math.abs(v) >= 1) {
                break;
            }
            prefix = p;
            v *= 1000;
        }
        return GoFloat.formatG(v, 4) + prefix;
    }

    static String humanize1024(double v) {
        if (Math.abs(v) <= 1 || Double.isNaN(v) || Double.isInfinite(v)) {
            return GoFloat.formatG(v, 4);
        }
        int i = 0;
        while (i < IEC.length - 1 && Math.abs(v) >= 1024) {
            v /= 1024;
            i++;
        }
        return GoFloat.formatG(v, 4) + IEC[i];
    }

    static String humanizeDuration(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return GoFloat.formatG(v, 4);
        }
        if (v == 0) {
            return "0s";
        }
        if (Math.abs(v) >= 1) {
            String sign = "";
            if (v < 0) {
                sign = "-";
                v = -v;
            }
            long duration = (long) v;
            long seconds = duration % 60;
            long minutes = (duration / 60) % 60;
            long hours = (duration / 60 / 60) % 24;
            long days = duration / 60 / 60 / 24;
            if (days != 0) {
                return sign + days + "d " + hours + "h " + minutes + "m " + seconds + "s";
            }
            if (hours != 0) {
                return sign + hours + "h " + minutes + "m " + seconds + "s";
            }
            if (minutes != 0) {
                return sign + minutes + "m " + seconds + "s";
            }
            return sign + GoFloat.formatG(v, 4) + "s";
        }
        String prefix = "";
        for (String p : SI_SMALL) {
            if (Math.abs(v) >= 1) {
                break;
            }
            prefix = p;
            v *= 1000;
        }
        return GoFloat.formatG(v, 4) + prefix + "s";
    }

    private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /**
     * Go's conversion of a float64 to int64 on amd64: truncation toward zero, and the "integer
     * indefinite" value (the smallest int64) for NaN and values out of range.
     */
    private static long goInt64(double v) {
        return Double.isNaN(v) || v >= 0x1p63 || v < -0x1p63 ? Long.MIN_VALUE : (long) v;
    }

    /**
     * Prometheus's {@code toTime} (its floatToTime): seconds since the epoch as a UTC time of
     * whole milliseconds ({@code model.TimeFromUnixNano}); NaN and infinities, and values
     * beyond int64 nanoseconds, refused with Prometheus's messages.
     */
    static GoTime toTime(double v) throws TemplateException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            throw new TemplateException("error calling toTime: value is NaN or Inf");
        }
        double nanos = v * 1e9;
        if (nanos > 0x1p63 || nanos < -0x1p63) {
            throw new TemplateException("error calling toTime: " + GoFloat.formatG(v)
                    + " cannot be represented as a nanoseconds timestamp since it overflows int64");
        }
        return GoTime.utc(Instant.ofEpochMilli(goInt64(nanos) / 1_000_000L));
    }

    /** Go's {@code time.Time.String()} in UTC: {@code 2006-01-02 15:04:05.999999999 +0000 UTC}. */
    static String humanizeTimestamp(double v) throws TemplateException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return GoFloat.formatG(v, 4);
        }
        double nanosTotal = v * 1e9;
        if (nanosTotal >= 9.223372036854775807E18 || nanosTotal < -9.223372036854775808E18) {
            throw new TemplateException("error calling humanizeTimestamp: " + GoFloat.formatG(v)
                    + " cannot be represented as a nanoseconds timestamp since it overflows int64");
        }
        // Prometheus goes through model.Time: whole milliseconds, truncated toward zero.
        long millis = (long) nanosTotal / 1_000_000L;
        Instant t = Instant.ofEpochMilli(millis);
        long nanos = t.getNano();
        StringBuilder sb = new StringBuilder(GO_TIME.format(t.atOffset(ZoneOffset.UTC)));
        if (nanos != 0) {
            String frac = String.format("%09d", nanos).replaceAll("0+$", "");
            sb.append('.').append(frac);
        }
        return sb.append(" +0000 UTC").toString();
    }

    /** Upper-cases the first letter of each word, leaving the rest as written (cases.NoLower). */
    static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean wordStart = true;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (Character.isLetterOrDigit(cp) || cp == '\'' && !wordStart) {
                sb.appendCodePoint(wordStart ? Character.toTitleCase(cp) : cp);
                wordStart = false;
            } else {
                sb.appendCodePoint(cp);
                wordStart = true;
            }
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    private static Pattern regex(String name, String pattern) throws TemplateException {
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new TemplateException("error calling " + name + ": error parsing regexp: " + e.getDescription()
                    + ": `" + pattern + "`");
        }
    }

    /** Go's ReplaceAllString: {@code $1}, {@code ${1}}, {@code $name}; unknown groups expand to nothing. */
    static String replaceAll(Pattern pattern, String text, String replacement) {
        Map<String, Integer> named = pattern.namedGroups();
        return pattern.matcher(text).replaceAll(m -> Matcher.quoteReplacement(expand(m, named, replacement)));
    }

    private static String expand(java.util.regex.MatchResult m, Map<String, Integer> named, String replacement) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < replacement.length()) {
            char c = replacement.charAt(i);
            if (c != '$' || i + 1 >= replacement.length()) {
                out.append(c);
                i++;
                continue;
            }
            char d = replacement.charAt(i + 1);
            if (d == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            String name;
            int end;
            if (d == '{') {
                int close = replacement.indexOf('}', i + 2);
                if (close < 0) {
                    out.append(c);
                    i++;
                    continue;
                }
                name = replacement.substring(i + 2, close);
                end = close + 1;
            } else {
                end = i + 1;
                while (end < replacement.length() && (Character.isLetterOrDigit(replacement.charAt(end))
                        || replacement.charAt(end) == '_')) {
                    end++;
                }
                name = replacement.substring(i + 1, end);
            }
            if (name.isEmpty()) {
                out.append(c);
                i++;
                continue;
            }
            String group = null;
            if (name.chars().allMatch(Character::isDigit)) {
                int g = Integer.parseInt(name);
                if (g <= m.groupCount()) {
                    group = m.group(g);
                }
            } else if (named.containsKey(name)) {
                group = m.group(named.get(name));
            }
            out.append(group == null ? "" : group);
            i = end;
        }
        return out.toString();
    }

    static String stripPort(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close > 0 && (close == hostPort.length() - 1 || hostPort.charAt(close + 1) == ':')) {
                return hostPort.substring(1, close);
            }
            return hostPort;
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0 || hostPort.indexOf(':') != colon) {
            return hostPort;
        }
        return hostPort.substring(0, colon);
    }

    static String stripDomain(String hostPort) {
        String host = hostPort;
        String port = "";
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0 && hostPort.indexOf(':') == colon) {
            host = hostPort.substring(0, colon);
            port = hostPort.substring(colon);
        } else if (hostPort.indexOf(':') != colon) {
            return hostPort;
        }
        if (host.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
            return hostPort;
        }
        int dot = host.indexOf('.');
        return (dot < 0 ? host : host.substring(0, dot)) + port;
    }

    private static String htmlEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&#34;");
                case '\'' -> sb.append("&#39;");
                case 0 -> sb.append('\uFFFD');
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String jsEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                case '"' -> sb.append("\\\"");
                case '<' -> sb.append("\\u003C");
                case '>' -> sb.append("\\u003E");
                case '&' -> sb.append("\\u0026");
                case '=' -> sb.append("\\u003D");
                case '\n' -> sb.append("\\u000A");
                case '\r' -> sb.append("\\u000D");
                case '\t' -> sb.append("\\u0009");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
