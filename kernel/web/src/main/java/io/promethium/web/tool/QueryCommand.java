package io.promethium.web.tool;

import io.promethium.api.tool.CommandLine;
import io.promethium.goformat.GoStrings;
import io.promethium.api.tool.Tool;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Component;

/**
 * {@code promethium query instant|range|series|labels}: promtool's query commands against a
 * server's HTTP API, with its flags, output (Go's {@code model} value formatting, or the API's
 * JSON with {@code -o json}) and exit codes (0, 1 on any error, bad usage included). The
 * {@code --format}/{@code -o} flag of promtool's {@code query} command is given after the
 * subcommand here ({@code promethium query instant -o json URL EXPR}).
 */
abstract class QueryCommand implements Tool {

    private final String command;
    private final CommandLine.Reader reader;
    private final String[] positionalNames;

    /**
     * @param positionalNames the positional arguments, all required, the server URL first
     * @param valued the command's own valued flags, besides {@code --format}/{@code -o}
     */
    QueryCommand(String command, List<String> positionalNames, Set<String> valued) {
        this.command = command;
        this.positionalNames = positionalNames.toArray(String[]::new);
        this.reader = CommandLine.reader()
                .valued(valued.toArray(String[]::new))
                .choice("format", "promql", "json")
                .shortName('o', "format")
                .refused("http.config.file", "--http.config.file is not supported by promethium query " + command
                        + " yet; put basic auth credentials in the server URL (http://user:password@host:port)");
    }

    @Override
    public String name() {
        return "query " + command;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
        CommandLine flags;
        try {
            flags = parseFlags(args);
        } catch (CommandLine.UsageException e) {
            err.println(error(e.getMessage() + ", try --help"));
            return 1;
        }
        String server = flags.positional().get(0);
        if (!server.contains("://")) {
            server = "http://" + server;
        }
        URI uri;
        try {
            uri = URI.create(server);
        } catch (IllegalArgumentException e) {
            err.println(error("invalid URL " + server + ": " + e.getMessage()));
            return 1;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header : flags.values("header")) {
            int eq = header.indexOf('=');
            if (eq < 0) {
                err.println(error("expected KEY=VALUE got '" + header + "', try --help"));
                return 1;
            }
            headers.put(header.substring(0, eq), header.substring(eq + 1));
        }
        List<Map.Entry<String, String>> params;
        try {
            params = params(flags);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
        QueryClient.Answer answer;
        try {
            QueryClient client = new QueryClient(uri, headers);
            answer = byGet() ? client.get(path(flags), params) : client.call(path(flags), params);
        } catch (QueryClient.ApiException e) {
            err.println("query error: " + e.withDetail());
            return 1;
        }
        if (flags.value("format", "promql").equals("json")) {
            out.println(jsonOf(answer));
        } else {
            out.println(format(answer.data()));
        }
        return 0;
    }

    /**
     * The words as promtool's kingpin reads them: {@code -o} is {@code --format}'s short form, the
     * format is {@code promql} or {@code json}, {@code --http.config.file} is refused, and the
     * positional arguments are exactly the named ones.
     */
    private CommandLine parseFlags(List<String> args) throws CommandLine.UsageException {
        CommandLine flags = reader.read(args);
        flags.arguments(positionalNames);
        return flags;
    }

    /** An error line of this command: {@code promethium query X: error: MESSAGE}. */
    final String error(String message) {
        return "promethium " + name() + ": error: " + message;
    }

    /** Whether client_golang asks by GET (label values), not by a form POST. */
    boolean byGet() {
        return false;
    }

    /** The API path, e.g. {@code /api/v1/query}. */
    abstract String path(CommandLine flags);

    /** The form parameters; an IllegalArgumentException's message is printed as promtool prints it. */
    abstract List<Map.Entry<String, String>> params(CommandLine flags);

    /** What {@code -o json} prints: the answer's data (the result of a query). */
    String jsonOf(QueryClient.Answer answer) {
        return answer.rawData();
    }

    /** What the promql format prints: Go's String() of the value, without the final newline. */
    abstract String format(Object data);

    /** A time flag's value in seconds, or {@code null} when it is not given (or empty). */
    static BigDecimal optionalTime(CommandLine flags, String name, String what) {
        String text = flags.value(name, "");
        return text.isEmpty() ? null : parseTime(text, what);
    }

    /** promtool's parseTime: a Unix timestamp in seconds (fractions allowed) or RFC 3339. */
    static BigDecimal parseTime(String s, String what) {
        try {
            return new BigDecimal(s.strip());
        } catch (NumberFormatException notNumber) {
            try {
                java.time.Instant t = OffsetDateTime.parse(s).toInstant();
                return BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano(), 9));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("error parsing " + what + ": cannot parse \"" + s + "\" to a valid timestamp");
            }
        }
    }

    static String formatTime(BigDecimal seconds) {
        return seconds.stripTrailingZeros().toPlainString();
    }

    static BigDecimal now() {
        java.time.Instant t = java.time.Instant.now();
        return BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano() / 1_000_000 * 1_000_000L, 9));
    }

    // --- Go's model formatting -------------------------------------------------------------

    /** A label set as model.LabelSet prints it: {@code {a="1", b="2"}}, names sorted. */
    @SuppressWarnings("unchecked")
    static String labelSet(Object labels) {
        Map<String, Object> sorted = new TreeMap<>((Map<String, Object>) labels);
        StringBuilder b = new StringBuilder("{");
        sorted.forEach((k, v) -> {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(k).append('=').append(goQuote(String.valueOf(v)));
        });
        return b.append('}').toString();
    }

    /** A metric as model.Metric prints it: the name, then the other labels sorted, or {@code {}}. */
    @SuppressWarnings("unchecked")
    static String metric(Object labels) {
        Map<String, Object> m = new TreeMap<>((Map<String, Object>) labels);
        Object name = m.remove("__name__");
        if (m.isEmpty()) {
            return name == null ? "{}" : name.toString();
        }
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + "=" + goQuote(String.valueOf(v))));
        return (name == null ? "" : name) + "{" + String.join(", ", parts) + "}";
    }

    /** A sample pair as model.SamplePair prints it: {@code value @[seconds]}. */
    static String samplePair(Object pair) {
        List<?> p = (List<?>) pair;
        return value(String.valueOf(p.get(1))) + " @[" + formatTime((BigDecimal) p.get(0)) + "]";
    }

    /** A sample value as Go's FormatFloat(v, 'f', -1, 64) prints it. */
    static String value(String text) {
        return switch (text) {
            case "NaN" -> "NaN";
            case "+Inf", "Inf" -> "+Inf";
            case "-Inf" -> "-Inf";
            default -> new BigDecimal(Double.toString(Double.parseDouble(text))).stripTrailingZeros().toPlainString();
        };
    }

    /** Go's %q of a string (strconv.Quote). */
    static String goQuote(String s) {
        return GoStrings.quote(s);
    }

    /** A query result (vector, matrix, scalar or string) as promtool prints it. */
    @SuppressWarnings("unchecked")
    static String result(Object data) {
        Map<String, Object> d = (Map<String, Object>) data;
        Object result = d.get("result");
        switch (String.valueOf(d.get("resultType"))) {
            case "vector" -> {
                List<String> lines = new ArrayList<>();
                for (Object o : (List<Object>) result) {
                    Map<String, Object> s = (Map<String, Object>) o;
                    lines.add(metric(s.get("metric")) + " => " + sampleOrHistogram(s.get("value"), s.get("histogram")));
                }
                return String.join("\n", lines);
            }
            case "matrix" -> {
                List<Map<String, Object>> streams = new ArrayList<>();
                for (Object o : (List<Object>) result) {
                    streams.add((Map<String, Object>) o);
                }
                // model.Matrix sorts its streams by label set before printing.
                streams.sort((a, b) -> compareLabels((Map<String, Object>) a.get("metric"), (Map<String, Object>) b.get("metric")));
                List<String> blocks = new ArrayList<>();
                for (Map<String, Object> s : streams) {
                    List<String> values = new ArrayList<>();
                    for (Object v : (List<Object>) s.getOrDefault("values", List.of())) {
                        values.add(samplePair(v));
                    }
                    for (Object h : (List<Object>) s.getOrDefault("histograms", List.of())) {
                        values.add(histogramPair(h));
                    }
                    blocks.add(metric(s.get("metric")) + " =>\n" + String.join("\n", values));
                }
                return String.join("\n", blocks);
            }
            case "scalar" -> {
                List<?> p = (List<?>) result;
                return "scalar: " + value(String.valueOf(p.get(1))) + " @[" + formatTime((BigDecimal) p.get(0)) + "]";
            }
            case "string" -> {
                List<?> p = (List<?>) result;
                return String.valueOf(p.get(1));
            }
            default -> throw new IllegalStateException("unknown resultType " + d.get("resultType"));
        }
    }

    private static String sampleOrHistogram(Object value, Object histogram) {
        return value != null ? samplePair(value) : histogramPair(histogram);
    }

    /** A native histogram sample as model.SampleHistogramPair prints it. */
    @SuppressWarnings("unchecked")
    private static String histogramPair(Object pair) {
        List<?> p = (List<?>) pair;
        Map<String, Object> h = (Map<String, Object>) p.get(1);
        StringBuilder b = new StringBuilder("Count: ").append(value(String.valueOf(h.get("count"))))
                .append(", Sum: ").append(value(String.valueOf(h.get("sum")))).append(", Buckets: [");
        boolean first = true;
        for (Object o : (List<Object>) h.getOrDefault("buckets", List.of())) {
            List<?> bucket = (List<?>) o;
            int boundaries = new BigDecimal(String.valueOf(bucket.get(0))).intValue();
            if (!first) {
                b.append(",");
            }
            first = false;
            b.append(boundaries == 2 || boundaries == 3 ? "(" : "[").append(value(String.valueOf(bucket.get(1)))).append(",")
                    .append(value(String.valueOf(bucket.get(2)))).append(boundaries == 1 || boundaries == 3 ? ")" : "]")
                    .append(":").append(value(String.valueOf(bucket.get(3))));
        }
        return b.append("] @[").append(formatTime((BigDecimal) p.get(0))).append("]").toString();
    }

    /** model.LabelSet.Before: sorted names compared pairwise, then values, then length. */
    static int compareLabels(Map<String, Object> a, Map<String, Object> b) {
        List<String> an = new ArrayList<>(new TreeMap<>(a).keySet());
        List<String> bn = new ArrayList<>(new TreeMap<>(b).keySet());
        for (int i = 0; i < Math.min(an.size(), bn.size()); i++) {
            int c = an.get(i).compareTo(bn.get(i));
            if (c != 0) {
                return c;
            }
            c = String.valueOf(a.get(an.get(i))).compareTo(String.valueOf(b.get(bn.get(i))));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(an.size(), bn.size());
    }

    // --- the four commands ----------------------------------------------------------------

    /** {@code query instant} and {@code query range}: SERVER EXPR, answered by a query result. */
    abstract static class ExpressionQuery extends QueryCommand {
        ExpressionQuery(String command, Set<String> valued) {
            super(command, List.of("server", "expr"), valued);
        }

        @Override
        final List<Map.Entry<String, String>> params(CommandLine flags) {
            List<Map.Entry<String, String>> params = new ArrayList<>();
            params.add(Map.entry("query", flags.positional().get(1)));
            timing(flags, params);
            return params;
        }

        /** Adds the time parameters. */
        abstract void timing(CommandLine flags, List<Map.Entry<String, String>> params);

        @Override
        final String format(Object data) {
            return result(data);
        }

        @Override
        final String jsonOf(QueryClient.Answer answer) {
            return resultJson(answer);
        }
    }

    /** {@code query series} and {@code query labels}: {@code --match} selectors and a time range, answered by a list. */
    abstract static class MatchQuery extends QueryCommand {
        private final boolean matchRequired;

        MatchQuery(String command, List<String> positionalNames, boolean matchRequired) {
            super(command, positionalNames, Set.of("match", "start", "end"));
            this.matchRequired = matchRequired;
        }

        /** Whether an absent --start or --end is sent as promtool 3 sends it (now ∓ 9999 h), not left out. */
        boolean goDefaultTimes() {
            return false;
        }

        @Override
        final List<Map.Entry<String, String>> params(CommandLine flags) {
            if (matchRequired && flags.values("match").isEmpty()) {
                throw new IllegalArgumentException(error("required flag --match not provided"));
            }
            List<Map.Entry<String, String>> params = new ArrayList<>();
            flags.values("match").forEach(m -> params.add(Map.entry("match[]", m)));
            // --start and --end only when given (the server's defaults are promtool's: all time).
            BigDecimal start = optionalTime(flags, "start", "start time");
            BigDecimal end = optionalTime(flags, "end", "end time");
            if (start != null) {
                params.add(Map.entry("start", formatTime(start)));
            } else if (goDefaultTimes()) {
                params.add(Map.entry("start", goNow(-9999)));
            }
            if (end != null) {
                params.add(Map.entry("end", formatTime(end)));
            } else if (goDefaultTimes()) {
                params.add(Map.entry("end", goNow(9999)));
            }
            return params;
        }

        @Override
        @SuppressWarnings("unchecked")
        final String format(Object data) {
            List<String> lines = new ArrayList<>();
            for (Object o : (List<Object>) data) {
                lines.add(line(o));
            }
            return String.join("\n", lines);
        }

        /** One item of the answer's list as promtool prints it. */
        abstract String line(Object item);
    }

    /** {@code query instant SERVER EXPR [--time=T]}. */
    @Component(service = Tool.class)
    public static final class Instant extends ExpressionQuery {
        public Instant() {
            super("instant", Set.of("time"));
        }

        @Override
        public String help() {
            return "[--time=T] [-o promql|json] SERVER EXPR  Run an instant query (as promtool query instant).";
        }

        @Override
        String path(CommandLine flags) {
            return "/api/v1/query";
        }

        @Override
        void timing(CommandLine flags, List<Map.Entry<String, String>> params) {
            BigDecimal t = optionalTime(flags, "time", "evaluation time");
            params.add(Map.entry("time", formatTime(t == null ? now() : t)));
        }
    }

    /** {@code query range SERVER EXPR [--start] [--end] [--step] [--header K=V]...}. */
    @Component(service = Tool.class)
    public static final class Range extends ExpressionQuery {
        public Range() {
            super("range", Set.of("start", "end", "step", "header"));
        }

        @Override
        public String help() {
            return "[--start=T] [--end=T] [--step=D] [--header=K=V]... [-o promql|json] SERVER EXPR  Run a range query (as promtool query range).";
        }

        @Override
        String path(CommandLine flags) {
            return "/api/v1/query_range";
        }

        @Override
        void timing(CommandLine flags, List<Map.Entry<String, String>> params) {
            BigDecimal end = optionalTime(flags, "end", "end time");
            end = end == null ? now() : end;
            BigDecimal start = optionalTime(flags, "start", "start time");
            start = start == null ? end.subtract(BigDecimal.valueOf(300)) : start;
            if (start.compareTo(end) > 0) {
                throw new IllegalArgumentException("start time is not before end time");
            }
            BigDecimal step;
            String stepText = flags.value("step", "");
            if (stepText.isEmpty()) {
                // promtool's default: a 250th of the range in whole seconds, at least one.
                step = BigDecimal.valueOf(Math.max(Math.floor(end.subtract(start).doubleValue() / 250), 1));
            } else {
                try {
                    step = BigDecimal.valueOf(io.promethium.api.config.Durations.parse(stepText).toMillis(), 3);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(error("invalid --step " + stepText + ": " + e.getMessage()));
                }
            }
            params.add(Map.entry("start", formatTime(start)));
            params.add(Map.entry("end", formatTime(end)));
            params.add(Map.entry("step", formatTime(step)));
        }
    }

    /** {@code query series SERVER --match=SELECTOR... [--start] [--end]}. */
    @Component(service = Tool.class)
    public static final class Series extends MatchQuery {
        public Series() {
            super("series", List.of("server"), true);
        }

        @Override
        public String help() {
            return "--match=SELECTOR... [--start=T] [--end=T] [-o promql|json] SERVER  Run a series query (as promtool query series).";
        }

        @Override
        String path(CommandLine flags) {
            return "/api/v1/series";
        }

        @Override
        String line(Object item) {
            return labelSet(item);
        }
    }

    /**
     * Now plus {@code hours}, as client_golang's {@code formatTime} writes it: seconds as a float64
     * in the shortest {@code 'f'} form (promtool 3's {@code parseStartTimeAndEndTime} defaults).
     */
    static String goNow(long hours) {
        java.time.Instant t = java.time.Instant.now().plus(java.time.Duration.ofHours(hours));
        return io.promethium.goformat.GoFloat.formatF((double) t.getEpochSecond() + t.getNano() / 1e9);
    }

    /**
     * {@code query labels SERVER NAME [--match=SELECTOR]... [--start] [--end]}: a GET, with
     * {@code start} and {@code end} now ∓ 9999 h when not given, as promtool 3 asks.
     */
    @Component(service = Tool.class)
    public static final class Labels extends MatchQuery {
        public Labels() {
            super("labels", List.of("server", "name"), false);
        }

        @Override
        public String help() {
            return "[--match=SELECTOR]... [--start=T] [--end=T] [-o promql|json] SERVER NAME  Print a label's values (as promtool query labels).";
        }

        @Override
        boolean byGet() {
            return true;
        }

        @Override
        boolean goDefaultTimes() {
            return true;
        }

        @Override
        String path(CommandLine flags) {
            return "/api/v1/label/" + java.net.URLEncoder.encode(flags.positional().get(1), java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20") + "/values";
        }

        @Override
        String line(Object item) {
            return String.valueOf(item);
        }
    }

    /** The {@code result} member of a query answer's data, as JSON text. */
    static String resultJson(QueryClient.Answer answer) {
        try (com.fasterxml.jackson.core.JsonParser p = new com.fasterxml.jackson.core.JsonFactory().createParser(answer.rawData())) {
            p.nextToken();
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("result")) {
                    java.io.StringWriter w = new java.io.StringWriter();
                    try (com.fasterxml.jackson.core.JsonGenerator g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(w)) {
                        QueryClient.copy(p, g);
                    }
                    return w.toString();
                }
                p.skipChildren();
            }
            return "null";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
