package io.promethium.push.internal;

import io.promethium.api.config.Durations;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.tool.CommandLine;
import io.promethium.api.tool.Tool;
import io.promethium.exposition.TextFormatWriter;
import io.promethium.goformat.GoNetErrors;
import io.promethium.remote.wire.Snappy;
import io.promethium.remote.wire.WriteRequestEncoder;
import io.promethium.remote.wire.WriteV2Encoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Component;

/**
 * {@code promethium push metrics [flags] REMOTE_WRITE_URL [FILE...]}: promtool 3's
 * {@code push metrics}. Reads text-format pages (the files, or standard input without any), turns
 * each into one remote-write request as promtool's {@code fmtutil.MetricTextToWriteRequest} does
 * (families sorted by name; summaries as quantile, {@code _sum}, {@code _count} series; histograms
 * as {@code _bucket} (an implied {@code +Inf}), {@code _sum}, {@code _count}; {@code le} and
 * {@code quantile} spelled by Go's {@code %v}; a page's {@code job} label becomes
 * {@code exported_job}; the {@code --label}s (default {@code job=promtool}) added; the line's
 * timestamp, or now) and POSTs it, snappy-compressed, to the URL joined with
 * {@code --remote-write.path} ({@code /api/v1/write}), retrying 5xx and 429 answers and failed
 * requests (refused, timed out) with backoff (1 s doubling to 10 s, at most 10 retries) as
 * client_golang's remote API does. Output and exit codes are promtool's: {@code Parsing ...} and
 * {@code SUCCESS} on standard output, {@code FAILED: reason} on standard error (a failed request
 * worded as Go's client words it: {@code Post "URL": dial tcp 127.0.0.1:1: connect: connection
 * refused}), 1 when any page failed.
 */
@Component(service = Tool.class)
public final class PushMetricsCommand implements Tool {

    /** client_golang's remote API backoff: 1 s, doubling, at most 10 s. */
    private final long firstBackoffMillis;
    private final long maxBackoffMillis;

    public PushMetricsCommand() {
        this(1000, 10_000);
    }

    /** With another backoff, so a test sees the ten retries of a refused connection in moments. */
    PushMetricsCommand(long firstBackoffMillis, long maxBackoffMillis) {
        this.firstBackoffMillis = firstBackoffMillis;
        this.maxBackoffMillis = maxBackoffMillis;
    }

    private static final String V1 = "prometheus.WriteRequest";
    private static final String V2 = "io.prometheus.write.v2.Request";

    @Override
    public String name() {
        return "push metrics";
    }

    @Override
    public String help() {
        return "[--label=K=V]... [--timeout=D] [--header=K=V]... [--protobuf_message=M] [--remote-write.path=P] URL [FILE]...  "
                + "Push text-format metrics by remote write (as promtool push metrics).";
    }

    /** The command line as promtool's kingpin reads it. */
    record Options(URI url, List<String> files, Map<String, String> labels, Duration timeout, Map<String, String> headers,
            String protobufMessage, String apiPath) {
    }

    private static final CommandLine.Reader READER = CommandLine.reader()
            .valued("label", "timeout", "header", "protobuf_message", "remote-write.path")
            .refused("http.config.file", "--http.config.file is not supported by promethium push metrics yet; "
                    + "put basic auth credentials in the URL (http://user:password@host:port)");

    static Options parse(List<String> args) throws CommandLine.UsageException {
        CommandLine line = READER.read(args);
        Map<String, String> labels = keyValues(line.values("label"));
        Map<String, String> headers = keyValues(line.values("header"));
        List<String> positional = line.arguments(1, Integer.MAX_VALUE, "remote-write-url");
        URI url;
        try {
            url = URI.create(positional.get(0));
            if (url.getScheme() == null || url.getHost() == null) {
                throw new IllegalArgumentException("not an absolute http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException("invalid URL '" + positional.get(0) + "': " + e.getMessage());
        }
        String timeout = line.value("timeout", "30s");
        Duration d;
        try {
            d = Durations.parse(timeout);
        } catch (RuntimeException e) {
            throw new CommandLine.UsageException("invalid --timeout " + timeout + ": " + e.getMessage());
        }
        return new Options(url, positional.subList(1, positional.size()), line.has("label") ? labels : Map.of("job", "promtool"),
                d, headers, line.value("protobuf_message", V1), line.value("remote-write.path", "/api/v1/write"));
    }

    /** {@code KEY=VALUE} words as a map, in order, a later key replacing an earlier one. */
    private static Map<String, String> keyValues(List<String> texts) throws CommandLine.UsageException {
        Map<String, String> into = new LinkedHashMap<>();
        for (String text : texts) {
            int eq = text.indexOf('=');
            if (eq < 0) {
                throw new CommandLine.UsageException("expected KEY=VALUE got '" + text + "'");
            }
            into.put(text.substring(0, eq), text.substring(eq + 1));
        }
        return into;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) throws InterruptedException {
        Options o;
        try {
            o = parse(args);
        } catch (CommandLine.UsageException e) {
            err.println("promethium push metrics: error: " + e.getMessage() + ", try --help");
            return 1;
        }
        if (!o.protobufMessage().equals(V1) && !o.protobufMessage().equals(V2)) {
            err.println("  FAILED: invalid protobuf message \"" + o.protobufMessage() + "\", must be " + V1 + " or " + V2);
            return 1;
        }
        URI target = o.url().resolve(joinPath(o.url().getRawPath(), o.apiPath()));
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(o.timeout()).build()) {
            if (o.files().isEmpty()) {
                byte[] page;
                try {
                    page = System.in.readAllBytes();
                } catch (IOException e) {
                    err.println("  FAILED: " + e.getMessage());
                    return 1;
                }
                out.print("Parsing standard input\n");
                if (push(client, target, o, page, err)) {
                    out.print("  SUCCESS: metrics pushed to remote write.\n");
                    return 0;
                }
                return 1;
            }
            boolean failed = false;
            for (String file : o.files()) {
                byte[] page;
                try {
                    page = Files.readAllBytes(Path.of(file));
                } catch (IOException e) {
                    err.println("  FAILED: open " + file + ": " + (e instanceof java.nio.file.NoSuchFileException
                            ? "no such file or directory" : e.getMessage()));
                    failed = true;
                    continue;
                }
                out.print("Parsing metrics file " + file + "\n");
                if (push(client, target, o, page, err)) {
                    out.print("  SUCCESS: metrics file " + file + " pushed to remote write.\n");
                } else {
                    failed = true;
                }
            }
            return failed ? 1 : 0;
        }
    }

    /** Go's {@code path.Join(base, p)}: one slash between, cleaned, no trailing slash. */
    static String joinPath(String base, String p) {
        String joined = (base == null ? "" : base) + "/" + p;
        List<String> parts = new ArrayList<>();
        for (String s : joined.split("/")) {
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
                continue;
            }
            parts.add(s);
        }
        return "/" + String.join("/", parts);
    }

    private boolean push(HttpClient client, URI target, Options o, byte[] page, PrintStream err) throws InterruptedException {
        byte[] body;
        try {
            body = encode(TextBodyParser.parse(page, page.length), o.labels(), o.protobufMessage().equals(V2),
                    System.currentTimeMillis());
        } catch (PushException e) {
            err.println("  FAILED: " + e.getMessage());
            return false;
        }
        String error = send(client, target, o, body);
        if (error != null) {
            err.println("  FAILED: " + error);
            return false;
        }
        return true;
    }

    /** One series of the request: labels (sorted by name), value, timestamp. */
    record Series(Labels labels, double value, long timestamp) {
    }

    /** The series of a parsed page, in promtool's order. */
    static List<Series> series(Map<String, MetricFamily> families, Map<String, String> extraLabels, long now) {
        List<Series> result = new ArrayList<>();
        for (MetricFamily f : new TreeMap<>(families).values()) {
            for (PushedMetric m : f.metrics()) {
                Map<String, String> labels = new TreeMap<>();
                labels.put("__name__", f.name());
                labels.putAll(extraLabels);
                for (LabelPair l : m.labels()) {
                    labels.put(l.name().equals("job") ? "exported_job" : l.name(), l.value());
                }
                long ts = m.timestampMillis() == 0 ? now : m.timestampMillis();
                switch (f.type()) {
                    case COUNTER, GAUGE, UNTYPED -> result.add(new Series(labelsOf(labels), m.value(), ts));
                    case SUMMARY -> {
                        for (PushedMetric.Point q : m.points()) {
                            result.add(new Series(labelsOf(with(labels, "quantile", goFloat(q.key()))), q.value(), ts));
                        }
                        result.add(new Series(labelsOf(with(labels, "__name__", f.name() + "_sum")), m.sum(), ts));
                        result.add(new Series(labelsOf(with(labels, "__name__", f.name() + "_count")), m.count(), ts));
                    }
                    case HISTOGRAM -> {
                        boolean hasInf = false;
                        Map<String, String> bucket = with(labels, "__name__", f.name() + "_bucket");
                        for (PushedMetric.Point b : m.points()) {
                            hasInf |= b.key() == Double.POSITIVE_INFINITY;
                            result.add(new Series(labelsOf(with(bucket, "le", goFloat(b.key()))), b.value(), ts));
                        }
                        if (!hasInf) {
                            result.add(new Series(labelsOf(with(bucket, "le", "+Inf")), m.count(), ts));
                        }
                        result.add(new Series(labelsOf(with(labels, "__name__", f.name() + "_sum")), m.sum(), ts));
                        result.add(new Series(labelsOf(with(labels, "__name__", f.name() + "_count")), m.count(), ts));
                    }
                }
            }
        }
        return result;
    }

    /** The request body: remote write 1.0 (with the families' metadata) or 2.0, snappy-compressed. */
    static byte[] encode(Map<String, MetricFamily> families, Map<String, String> extraLabels, boolean v2, long now) {
        List<Series> all = series(families, extraLabels, now);
        if (v2) {
            WriteV2Encoder e = new WriteV2Encoder();
            for (Series s : all) {
                MetricFamily f = familyOf(families, s.labels().metricName());
                e.beginSeries(s.labels(), f == null ? null : new Metadata(f.type().metricType, f.help() == null ? "" : f.help(), ""), 0);
                e.sample(s.timestamp(), s.value());
                e.endSeries();
            }
            e.finish();
            return Snappy.encode(e.buffer(), e.size());
        }
        WriteRequestEncoder e = new WriteRequestEncoder();
        for (Series s : all) {
            e.beginSeries(s.labels());
            e.sample(s.timestamp(), s.value());
            e.endSeries();
        }
        for (MetricFamily f : new TreeMap<>(families).values()) {
            e.metadata(f.name(), f.type().metricType, f.help() == null ? "" : f.help(), "");
        }
        return Snappy.encode(e.buffer(), e.size());
    }

    private static MetricFamily familyOf(Map<String, MetricFamily> families, String series) {
        for (String suffix : List.of("", "_bucket", "_sum", "_count")) {
            if (series.endsWith(suffix)) {
                MetricFamily f = families.get(series.substring(0, series.length() - suffix.length()));
                if (f != null) {
                    return f;
                }
            }
        }
        return null;
    }

    /** Go's {@code fmt.Sprint} of a float64. */
    private static String goFloat(double v) {
        return TextFormatWriter.formatValue(v);
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> copy = new TreeMap<>(labels);
        copy.put(name, value);
        return copy;
    }

    private static Labels labelsOf(Map<String, String> labels) {
        Labels.Builder b = Labels.builder();
        labels.forEach(b::set);
        return b.build();
    }

    /** POSTs the body, retrying as client_golang's remote API does; null on success, else the reason. */
    private String send(HttpClient client, URI target, Options o, byte[] body) throws InterruptedException {
        boolean v2 = o.protobufMessage().equals(V2);
        long backoff = firstBackoffMillis;
        for (int attempt = 0; ; attempt++) {
            HttpRequest.Builder r = HttpRequest.newBuilder(target).timeout(o.timeout())
                    .header("Content-Encoding", "snappy")
                    .header("Content-Type", v2 ? "application/x-protobuf;proto=" + V2 : "application/x-protobuf")
                    .header("X-Prometheus-Remote-Write-Version", v2 ? "2.0.0" : "0.1.0")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (attempt > 0) {
                r.header("Retry-Attempt", Integer.toString(attempt));
            }
            o.headers().forEach(r::setHeader);
            String error;
            boolean retry;
            try {
                // The JDK's client tells only that an address did not resolve (and its negative
                // cache forgets why): looking the host up first keeps the resolver's reason.
                java.net.InetAddress.getByName(target.getHost());
                HttpResponse<InputStream> response = client.send(r.build(), HttpResponse.BodyHandlers.ofInputStream());
                String text;
                try (InputStream in = response.body()) {
                    text = new String(in.readNBytes(64 * 1024), java.nio.charset.StandardCharsets.UTF_8);
                }
                int status = response.statusCode();
                if (status / 100 == 2) {
                    return null;
                }
                error = "server returned HTTP status " + status + statusText(status) + ": " + text;
                retry = status / 100 == 5 || status == 429;
            } catch (IOException e) {
                // Any error of Client.Do is retried, a timeout (http.Client.Timeout) included.
                error = GoNetErrors.urlError("Post", target, e)
                        + (e instanceof java.net.http.HttpTimeoutException ? " (Client.Timeout exceeded while awaiting headers)" : "");
                retry = true;
            }
            if (!retry || attempt >= 10) {
                return error;
            }
            Thread.sleep(backoff);
            backoff = Math.min(backoff * 2, maxBackoffMillis);
        }
    }

    /** Go's {@code resp.Status} after the code, for the answers a receiver gives. */
    private static String statusText(int status) {
        String text = switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 413 -> "Request Entity Too Large";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "";
        };
        return text.isEmpty() ? "" : " " + text;
    }
}
