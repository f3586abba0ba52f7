package io.promethium.tsdb.tool;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.testsupport.Peers;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tsdb dump} and {@code tsdb dump-openmetrics}, alone and against the Debian promtool (2.42). */
class TsdbDumpTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return TsdbTool.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void dumpPrintsBlockAndWalSamplesInLabelOrderAsPromtool() throws IOException {
        Path data = dir.resolve("data");
        Files.writeString(dir.resolve("in.om"), """
                up{job="a"} 1 1700000000
                up{job="a"} 0 1700000015.5
                # EOF
                """);
        assertThat(run("create-blocks-from", "openmetrics", dir.resolve("in.om").toString(), data.toString())).isZero();
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(data).withCompactionInterval(Duration.ZERO))) {
            Appender app = db.appender();
            app.append(0, Labels.of("__name__", "up", "job", "a"), 1_700_006_430_000L, 1e6);
            app.append(0, Labels.of("__name__", "http.requests", "path", "/a\"b\n"), 1_700_006_430_000L, 0.0001);
            app.append(0, Labels.of("__name__", "http.requests", "path", "/a\"b\n"), 1_700_006_445_000L, Double.NaN);
            app.append(0, Labels.of("__name__", "zeta", "le", "+Inf", "a.b", "c"), 1_700_006_445_000L, Double.POSITIVE_INFINITY);
            app.appendHistogram(0, Labels.of("__name__", "rpc_seconds"), 1_700_006_430_000L,
                    Histogram.exponential(0, 0.001, 1, 5, 10.5, HistogramSpans.pairs(0, 2), 2, 0));
            app.appendHistogram(0, Labels.of("__name__", "rpc_float"), 1_700_006_430_000L,
                    FloatHistogram.exponential(0, 0.001, 0, 2.5, 1.25, HistogramSpans.pairs(-1, 1), 2.5));
            app.commit();
        }
        assertThat(run("dump", data.toString())).isZero();
        assertThat(stdout()).isEqualTo("""
                {__name__="http.requests", path="/a\\"b\\n"} 0.0001 1700006430000
                {__name__="http.requests", path="/a\\"b\\n"} NaN 1700006445000
                {__name__="rpc_float"} {count:2.5, sum:1.25, (0.25,0.5]:2.5} 1700006430000
                {__name__="rpc_seconds"} {count:5, sum:10.5, [-0.001,0.001]:1, (0.5,1]:2, (1,2]:2} 1700006430000
                {__name__="up", job="a"} 1 1700000000000
                {__name__="up", job="a"} 0 1700000015500
                {__name__="up", job="a"} 1e+06 1700006430000
                {__name__="zeta", "a.b"="c", le="+Inf"} +Inf 1700006445000
                """);
        assertThat(run("dump", "--min-time=1700000015500", "--max-time", "1700006430000", "--match", "up", data.toString())).isZero();
        assertThat(stdout()).isEqualTo("""
                {__name__="up", job="a"} 0 1700000015500
                {__name__="up", job="a"} 1e+06 1700006430000
                """);
        // Two selectors: each series once (up matches both).
        assertThat(run("dump", "--match={job=\"a\"}", "--match={__name__=~\"up|zeta\"}", data.toString())).isZero();
        assertThat(stdout().lines()).hasSize(4).allMatch(l -> l.startsWith("{__name__=\"up\"") || l.startsWith("{__name__=\"zeta\""));
        assertThat(run("dump-openmetrics", "--match={\"http.requests\"}", "--match=zeta", data.toString())).isZero();
        assertThat(stdout()).isEqualTo("""
                http.requests{path="/a\\"b\\n"} 0.0001 1700006430.000
                http.requests{path="/a\\"b\\n"} NaN 1700006445.000
                zeta{a.b="c",le="+Inf"} +Inf 1700006445.000
                # EOF
                """);
        assertThat(run("dump", "--format=seriesjson", "--match={__name__=~\"up|zeta\"}", data.toString())).isZero();
        assertThat(stdout()).isEqualTo("""
                {"__name__":"up","job":"a"}
                {"__name__":"zeta","a.b":"c","le":"+Inf"}
                """);
        assertThat(run("dump-openmetrics", "--format=prom", data.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown long flag '--format'");
        // Read-only: the WAL's sandbox copy is gone, nothing else was written.
        try (Stream<Path> left = Files.list(data)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void badSelectorsAndFlagsFailWithTheirName() throws IOException {
        Files.createDirectories(dir.resolve("data"));
        assertThat(run("dump", "--match={job=\"a\"", dir.resolve("data").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("1:9: parse error: unexpected end of input inside braces\n");
        assertThat(run("dump", "--match=up{job=\"a\",__name__=\"x\"}", dir.resolve("data").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("metric name must not be set twice");
        assertThat(run("dump", "--min-time=yesterday")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--min-time");
        assertThat(run("dump", "--frobnicate=1")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown long flag '--frobnicate'");
        assertThat(run("dump", "--sandbox-dir-root=" + dir.resolve("nope"), dir.resolve("data").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--sandbox-dir-root " + dir.resolve("nope") + " is not a directory");
        assertThat(run("dump", "--sandbox-dir-root=" + dir, dir.resolve("data").toString())).isZero();
        assertThat(run("dump", dir.resolve("missing").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("stat " + dir.resolve("missing") + ": no such file or directory");
    }

    /**
     * Differential: promtool 2.42 cannot read Promethium's blocks (a Lucene index, not Prometheus's),
     * so both tools backfill the same OpenMetrics file into their own blocks and dump them; the
     * outputs must be identical. Then promtool backfills what {@code dump-openmetrics} printed and
     * its dump must be the same again (dump-openmetrics is not in 2.42).
     */
    @Test
    void dumpEqualsPromtoolsDumpOfTheSameSamples() throws Exception {
        Path promtool = Peers.require("promtool");
        StringBuilder om = new StringBuilder("# TYPE http_requests counter\n");
        double[] odd = {0, 0.1, 1e-5, 123456, 1234567, 1.5e300, -2.5, Double.NaN, Double.POSITIVE_INFINITY, 1 / 3.0};
        for (int i = 0; i < 400; i++) {
            long sec = 1_700_000_000L + i * 37L;
            om.append("http_requests_total{code=\"200\",path=\"/a\\\"b\\\\c\"} ").append(i * 3).append(' ').append(sec).append('\n');
            om.append("http_requests_total{code=\"500\"} ").append(i).append(".25 ").append(sec).append(".5\n");
        }
        om.append("# TYPE odd gauge\n");
        for (int i = 0; i < odd.length; i++) {
            String v = Double.isNaN(odd[i]) ? "NaN" : Double.isInfinite(odd[i]) ? "+Inf" : Double.toString(odd[i]);
            om.append("odd{i=\"").append(i).append("\"} ").append(v).append(' ').append(1_700_000_000L + i * 60L).append('\n');
        }
        om.append("# EOF\n");
        Path file = dir.resolve("in.om");
        Files.writeString(file, om);
        Path theirs = dir.resolve("prometheus");
        Path ours = dir.resolve("promethium");
        exec(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", file.toString(), theirs.toString());
        Files.createDirectories(theirs.resolve("wal")); // promtool 2.42's dump fails without one
        assertThat(run("create-blocks-from", "openmetrics", file.toString(), ours.toString())).isZero();

        for (List<String> flags : List.of(List.<String>of(), List.of("--min-time=1700003000000", "--max-time=1700009000500"),
                List.of("--match=http_requests_total{code=\"500\"}"), List.of("--match={i=~\"[0-4]\"}"))) {
            List<String> promtoolArgs = new ArrayList<>(List.of(promtool.toString(), "tsdb", "dump"));
            promtoolArgs.addAll(flags);
            promtoolArgs.add(theirs.toString());
            String expected = exec(promtoolArgs.toArray(String[]::new));
            List<String> ourArgs = new ArrayList<>(List.of("dump"));
            ourArgs.addAll(flags);
            ourArgs.add(ours.toString());
            assertThat(run(ourArgs.toArray(String[]::new))).as("dump %s: %s", flags, err).isZero();
            assertThat(stdout()).as("dump %s", flags).isNotEmpty().isEqualTo(expected);
        }
        String promtoolDump = exec(promtool.toString(), "tsdb", "dump", theirs.toString());
        // Neither reads the other's blocks: each fails naming the block instead of dumping nothing.
        Files.createDirectories(ours.resolve("wal"));
        Process p = new ProcessBuilder(promtool.toString(), "tsdb", "dump", ours.toString()).redirectErrorStream(true).start();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("invalid magic number");
        assertThat(p.waitFor()).isEqualTo(1);
        assertThat(run("dump", theirs.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unreadable block in " + theirs);

        assertThat(run("dump-openmetrics", ours.toString())).isZero();
        Path again = dir.resolve("again.om");
        Files.writeString(again, stdout());
        Path roundTrip = dir.resolve("roundtrip");
        exec(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", again.toString(), roundTrip.toString());
        Files.createDirectories(roundTrip.resolve("wal"));
        assertThat(exec(promtool.toString(), "tsdb", "dump", roundTrip.toString())).isEqualTo(promtoolDump);
    }

    /** Runs a program; returns its stdout (stderr is discarded; promtool logs there). */
    static String exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
