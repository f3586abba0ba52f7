package io.promethium.tsdb.tool;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.model.Labels;
import io.promethium.api.tool.CommandLine;
import io.promethium.goformat.GoDurations;
import io.promethium.goformat.GoNetErrors;
import io.promethium.goformat.GoStrings;
import io.promethium.tsdb.TsdbOptions;
import io.promethium.tsdb.internal.block.BlockMeta;
import io.promethium.tsdb.internal.block.BlockWriter;
import io.promethium.tsdb.internal.fs.FileOpener;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code create-blocks-from rules}: promtool's backfill of recording rules. For each 2 h window
 * from {@code --start} to {@code --end} (whole seconds, as promtool) and each recording rule, the
 * rule's expression is evaluated by a Prometheus-compatible API ({@code --url},
 * {@code /api/v1/query_range}) at the group's evaluation times in that window: the group's
 * interval ({@code --eval-interval} when it has none) as step, aligned to the phase Promethium's
 * rule manager gives the group (a hash of its name and file), so backfilled points line up with
 * the ones the server records later. Each result series gets the group's then the rule's labels
 * and {@code __name__} = the rule's name. A group's {@code query_offset} shifts what is queried,
 * its {@code limit} drops an evaluation with more series than that, as the rule manager does.
 * One block per window holds every rule's series (promtool writes one per rule and window; the
 * samples are the same, except that an evaluation slot in the last second of a window is kept,
 * where promtool's whole-second window bounds drop it). Float results only, as promtool: a rule whose result holds native
 * histograms says so on stderr. Exit 1 when any rule failed (each printed as
 * {@code rule importer error: ...}); blocks of the windows done stay. Standard error also carries
 * promtool 3's progress lines; standard output lists the blocks written after a run without
 * errors (promtool prints nothing there; {@code -q} silences it).
 */
final class RuleBackfill {
    static final String DEFAULT_URL = "http://localhost:9090";

    /** The command line; the times as given, parsed by {@link #run} (promtool parses them after the flags, and words its errors so). */
    record Args(String start, String end, URI url, Path outputDir, Duration evalInterval, boolean quiet, boolean humanReadable,
            List<Path> files) {

        private static final CommandLine.Reader READER = CommandLine.reader()
                .valued("start", "end", "url", "output-dir", "eval-interval")
                .bool("quiet", "human-readable")
                .shortName('q', "quiet")
                .shortName('r', "human-readable")
                .refused("http.config.file", "--http.config.file is not supported: basic auth goes in --url (http://user:password@host:9090)");

        static Args parse(List<String> args) throws CommandLine.UsageException {
            CommandLine line = READER.read(args);
            String start = line.required("start");
            List<Path> files = line.arguments(1, Integer.MAX_VALUE, "rule-files").stream().map(Path::of).toList();
            String url = line.value("url", DEFAULT_URL);
            Duration every = Duration.ofSeconds(60);
            if (line.has("eval-interval")) {
                String value = line.value("eval-interval", null);
                try {
                    every = GoDurations.parse(value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--eval-interval: " + e.getMessage());
                }
                if (every.isZero() || every.isNegative()) {
                    throw new IllegalArgumentException("--eval-interval must be positive, got " + value);
                }
            }
            URI u;
            try {
                u = URI.create(url);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("--url: " + ex.getMessage());
            }
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("--url must be an http or https URL, got " + GoStrings.quote(url));
            }
            return new Args(start, line.value("end", null), u, Path.of(line.value("output-dir", "data/")), every, line.flag("quiet"),
                    line.flag("human-readable"), files);
        }

        /**
         * promtool's parseTime: a Unix timestamp in seconds (fractions allowed, the zone UTC) or
         * RFC 3339 (its own offset).
         */
        static OffsetDateTime time(String s, String which) {
            try {
                BigDecimal sec = new BigDecimal(s);
                return Instant.ofEpochSecond(0, sec.movePointRight(9).longValueExact()).atOffset(ZoneOffset.UTC);
            } catch (NumberFormatException | ArithmeticException e) {
                // not a number: RFC 3339 below
            }
            try {
                return OffsetDateTime.parse(s);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("error parsing " + which + " time: cannot parse " + GoStrings.quote(s)
                        + " to a valid timestamp");
            }
        }
    }

    private final PrintStream out;
    private final PrintStream err;
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private HttpClient http;

    RuleBackfill(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Backfills; a failure is printed on stderr in promtool's words and gives exit code 1. */
    int run(Args a, Instant now) throws IOException {
        OffsetDateTime start;
        OffsetDateTime end;
        try {
            end = a.end() == null ? now.minus(Duration.ofHours(3)).atOffset(ZoneOffset.UTC) : Args.time(a.end(), "end");
            start = Args.time(a.start(), "start");
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 1;
        }
        if (!start.toInstant().isBefore(end.toInstant())) {
            err.println("start time is not before end time");
            return 1;
        }
        log("new rule importer", "start", rfc822(start), "end", rfc822(end));
        List<RuleFiles.Group> groups = new ArrayList<>();
        for (Path f : a.files()) {
            try {
                groups.addAll(RuleFiles.read(f, a.evalInterval()));
            } catch (IllegalArgumentException e) {
                err.println("rule importer parse error: " + e.getMessage());
                return 1;
            }
        }
        // promtool logs these as it goes, rule after rule, and prints the rules' errors after all of
        // them; here every window holds all rules, so they come first and the errors follow, as there.
        for (RuleFiles.Group g : groups) {
            log("processing group", "name", g.file() + ";" + g.name());
            for (RuleFiles.Rule r : g.rules()) {
                log("processing rule", "id", Integer.toString(r.index()), "name", r.record());
            }
            if (g.alerts() > 0) {
                err.printf("group %s (%s): %d alerting rules skipped (only recording rules are backfilled)%n", GoStrings.quote(g.name()),
                        g.file(), g.alerts());
            }
        }
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).followRedirects(HttpClient.Redirect.NORMAL).build();
        long window = TsdbOptions.DEFAULT_BLOCK_DURATION.toMillis();
        long startSec = start.toEpochSecond();
        long endSec = end.toEpochSecond();
        long startMs = startSec * 1000;
        long endMs = endSec * 1000;
        // Rules that failed stop being evaluated (promtool stops a rule at its first error).
        Map<String, String> failed = new HashMap<>();
        List<BlockMeta> written = new ArrayList<>();
        Files.createDirectories(a.outputDir());
        for (long w = Math.floorDiv(startMs, window) * window; w <= endMs; w += window) {
            long lastOfWindow = w + window - 1;
            Map<Labels, Backfill.Buf> series = new HashMap<>();
            for (RuleFiles.Group g : groups) {
                // Millisecond bounds: promtool cuts each window at whole seconds, which loses an
                // evaluation slot that falls in the last second of a window (a gap every 2 h).
                long currStart = Math.max(w, startMs);
                long aligned = evalTimestamp(g, currStart);
                if (aligned < currStart) {
                    aligned += g.interval().toMillis();
                }
                long to = Math.min(lastOfWindow, endMs);
                if (to < aligned) {
                    continue;
                }
                for (int i = 0; i < g.rules().size(); i++) {
                    RuleFiles.Rule r = g.rules().get(i);
                    String key = g.file() + "\u0000" + g.name() + "\u0000" + i;
                    if (failed.containsKey(key)) {
                        continue;
                    }
                    try {
                        evaluate(a.url(), g, r, aligned, to, series);
                    } catch (IOException | RuntimeException e) {
                        failed.put(key, e.getMessage());
                        // promtool's line: the error alone (query range: <client_golang's error>).
                        err.println("rule importer error: " + e.getMessage());
                    }
                }
            }
            if (!series.isEmpty()) {
                written.add(write(a.outputDir(), w, window, series));
            }
        }
        if (!failed.isEmpty()) {
            err.println("error importing rules");
            return 1;
        }
        // promtool prints nothing on stdout; this list is Promethium's (-q leaves it out), and only after a run without errors.
        if (!a.quiet()) {
            out.printf("wrote %d blocks to %s%n", written.size(), a.outputDir());
            for (BlockMeta m : written) {
                if (a.humanReadable()) {
                    out.printf("  %s  %s..%s  series=%d samples=%d%n", m.ulid(), Instant.ofEpochMilli(m.minTime()),
                            Instant.ofEpochMilli(m.maxTime()), m.numSeries(), m.numSamples());
                } else {
                    out.printf("  %s  %d..%d  series=%d samples=%d%n", m.ulid(), m.minTime(), m.maxTime(), m.numSeries(), m.numSamples());
                }
            }
        }
        return 0;
    }

    /**
     * One of promtool 3's progress lines on stderr (promslog's default: slog's text handler, the
     * time in the local zone to the millisecond); the {@code source} names this class where
     * promtool names its Go file and line.
     */
    private void log(String msg, String... attrs) {
        StringBuilder line = new StringBuilder("time=")
                .append(OffsetDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX")))
                .append(" level=INFO source=RuleBackfill msg=").append(slogValue(msg)).append(" component=backfiller");
        for (int i = 0; i < attrs.length; i += 2) {
            line.append(' ').append(attrs[i]).append('=').append(slogValue(attrs[i + 1]));
        }
        err.println(line);
    }

    /** slog's text handler: a value with a space, quote, '=' or an unprintable character (or empty) is Go-quoted. */
    private static String slogValue(String s) {
        boolean quote = s.isEmpty() || s.codePoints().anyMatch(c -> Character.isWhitespace(c) || c == '"' || c == '=' || Character.isISOControl(c));
        return quote ? GoStrings.quote(s) : s;
    }

    /** Go's time.RFC822 ({@code 02 Jan 06 15:04 MST}): a UTC time says UTC, another offset is written as {@code +0100}. */
    static String rfc822(OffsetDateTime t) {
        String zone = t.getOffset().equals(ZoneOffset.UTC) ? "UTC"
                : t.getOffset().getId().replace(":", "");
        return t.format(java.time.format.DateTimeFormatter.ofPattern("dd MMM yy HH:mm", java.util.Locale.ENGLISH)) + " " + zone;
    }

    /** The group's evaluation slot at or before {@code t} (ms), with the rule manager's phase. */
    static long evalTimestamp(RuleFiles.Group g, long t) {
        long iv = g.interval().toMillis();
        long offset = Long.remainderUnsigned(Labels.of("name", g.name(), "file", g.file()).stableHash(), iv);
        long adj = t - offset;
        return adj - Math.floorMod(adj, iv) + offset;
    }

    /** Queries the rule over [from, to] (ms) at the group's step and adds its samples to {@code series}. */
    private void evaluate(URI base, RuleFiles.Group g, RuleFiles.Rule r, long from, long to, Map<Labels, Backfill.Buf> series)
            throws IOException {
        long off = g.queryOffset().toMillis();
        JsonNode data = queryRange(base, r.expr(), from - off, to - off, g.interval());
        String type = data.path("resultType").asText();
        if (!type.equals("matrix")) {
            throw new IOException("rule result is wrong type " + type);
        }
        List<Labels> labels = new ArrayList<>();
        List<long[]> times = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        boolean histograms = false;
        for (JsonNode s : data.path("result")) {
            Labels.Builder b = Labels.builder();
            s.path("metric").fields().forEachRemaining(e -> b.set(e.getKey(), e.getValue().asText()));
            r.labels().forEach(b::set);
            b.set(Labels.METRIC_NAME, r.record());
            JsonNode vs = s.path("values");
            long[] ts = new long[vs.size()];
            double[] v = new double[vs.size()];
            for (int k = 0; k < vs.size(); k++) {
                ts[k] = vs.get(k).get(0).decimalValue().movePointRight(3).longValue() + off;
                v[k] = parseValue(vs.get(k).get(1).asText());
            }
            histograms |= s.has("histograms");
            labels.add(b.build());
            times.add(ts);
            values.add(v);
        }
        if (histograms) {
            err.println("rule " + GoStrings.quote(r.record()) + ": native histogram results are not backfilled (float samples only, as promtool)");
        }
        TreeMap<Long, Integer> perTime = new TreeMap<>();
        if (g.limit() > 0) {
            for (long[] ts : times) {
                for (long t : ts) {
                    perTime.merge(t, 1, Integer::sum);
                }
            }
            perTime.forEach((t, n) -> {
                if (n > g.limit()) {
                    err.printf("rule %s at %d: %d series exceed the group's limit %d; that evaluation stored nothing%n",
                            GoStrings.quote(r.record()), t, n, g.limit());
                }
            });
        }
        for (int k = 0; k < labels.size(); k++) {
            Backfill.Buf buf = series.computeIfAbsent(labels.get(k), l -> new Backfill.Buf());
            long[] ts = times.get(k);
            double[] v = values.get(k);
            for (int j = 0; j < ts.length; j++) {
                if (g.limit() == 0 || perTime.get(ts[j]) <= g.limit()) {
                    buf.add(ts[j], v[j]);
                }
            }
        }
    }

    private JsonNode queryRange(URI base, String expr, long from, long to, Duration step) throws IOException {
        String form = "query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8) + "&start=" + seconds(from) + "&end=" + seconds(to)
                + "&step=" + seconds(step.toMillis());
        String path = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        URI uri = URI.create(base.getScheme() + "://" + base.getRawAuthority().replaceFirst("^[^@]*@", "") + path + "/api/v1/query_range");
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (base.getRawUserInfo() != null) {
            String user = java.net.URLDecoder.decode(base.getRawUserInfo(), StandardCharsets.UTF_8);
            req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<byte[]> resp;
        try {
            // The JDK's client tells only that an address did not resolve (and its negative cache
            // forgets why): looking the host up first keeps the resolver's reason for GoNetErrors.
            java.net.InetAddress.getByName(base.getHost());
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("query range: interrupted");
        } catch (IOException e) {
            // Go's *url.Error names the URL as given, user included, password as ***.
            URI asGiven = URI.create(base.getScheme() + "://" + base.getRawAuthority() + path + "/api/v1/query_range");
            throw new IOException("query range: " + GoNetErrors.urlError("Post", asGiven, e), e);
        }
        // client_golang's apiClientImpl.Do: a status other than 2xx, 400 and 422 is an HTTP error
        // whatever the body; 400 and 422 carry the API's error.
        int code = resp.statusCode();
        boolean apiStatus = code / 100 == 2 || code == 400 || code == 422;
        if (!apiStatus) {
            throw new IOException("query range: " + GoNetErrors.apiStatusError(code));
        }
        JsonNode body;
        try {
            body = json.readTree(resp.body());
        } catch (IOException e) {
            throw new IOException("query range: " + (code / 100 == 2 ? "bad_response: the answer is not JSON" : GoNetErrors.apiStatusError(code)));
        }
        String status = body == null ? "" : body.path("status").asText();
        if (code / 100 != 2 && status.equals("success")) {
            throw new IOException("query range: bad_response: inconsistent body for response code");
        }
        if (code / 100 != 2 || status.equals("error")) {
            String type = body == null ? "" : body.path("errorType").asText();
            String msg = body == null ? "" : body.path("error").asText();
            throw new IOException("query range: " + (type.isEmpty() ? "client_error" : type) + ": "
                    + (msg.isEmpty() ? "client error: " + code : msg));
        }
        return body.path("data");
    }

    /** Milliseconds as seconds with the fewest digits, as Prometheus's client sends times. */
    private static String seconds(long ms) {
        return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
    }

    /** Go's ParseFloat spellings the API uses: NaN, +Inf, -Inf and plain numbers. */
    private static double parseValue(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static BlockMeta write(Path dir, long mint, long window, Map<Labels, Backfill.Buf> series) throws IOException {
        List<Labels> order = new ArrayList<>(series.keySet());
        order.sort(null);
        try (BlockWriter w = new BlockWriter(dir, mint, mint + window, FileOpener.DEFAULT)) {
            for (Labels l : order) {
                Backfill.Buf b = series.get(l);
                b.sortDedupe();
                if (b.n > 0) {
                    w.addSeries(l, b.ts, b.vs, b.n);
                }
            }
            return w.finish(1, List.of());
        }
    }
}
