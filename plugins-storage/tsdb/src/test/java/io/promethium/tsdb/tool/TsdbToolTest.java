package io.promethium.tsdb.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TsdbToolTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return TsdbTool.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path backfillFile() throws IOException {
        StringBuilder sb = new StringBuilder("# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n");
        // Five hours of one-minute samples (seconds, as OpenMetrics writes them), spanning three 2h windows.
        for (int i = 0; i < 300; i++) {
            long sec = 1_700_006_400L + i * 60L;
            sb.append("http_requests_total{code=\"200\",path=\"/a\\\"b\"} ").append(i * 3).append(' ').append(sec).append('\n');
            sb.append("http_requests_total{code=\"500\"} ").append(i).append(".5 ").append(sec).append(".000\n");
        }
        sb.append("# EOF\n");
        Path file = dir.resolve("backfill.om");
        Files.writeString(file, sb.toString());
        return file;
    }

    /**
     * Differential against the Debian promtool (2.42): bad command lines and unreadable folders give
     * its exit code and its line on stderr, {@code promtool:} read as the command's own name
     * ({@code promethium tsdb dump:}), as every promtool-like command words it.
     */
    @Test
    void badCommandLinesAndFoldersFailInPromtoolsWords() throws Exception {
        Path promtool = io.promethium.testsupport.Peers.require("promtool");
        Path file = Files.writeString(dir.resolve("a-file"), "");
        // promtool reads the head before the selectors: a WAL folder, empty, lets it get that far.
        Path data = dir.resolve("empty-data");
        Files.createDirectories(data.resolve("wal"));
        String[][] cases = {
            {"promethium tsdb"},
            {"promethium tsdb", "frobnicate"},
            {"promethium tsdb dump", "dump", "--nope"},
            {"promethium tsdb list", "list", "--bogus"},
            {"promethium tsdb analyze", "analyze", "a", "b", "c"},
            {"promethium tsdb create-blocks-from", "create-blocks-from"},
            {"promethium tsdb create-blocks-from openmetrics", "create-blocks-from", "openmetrics"},
            {"promethium tsdb create-blocks-from rules", "create-blocks-from", "rules", "--start=1700000000"},
            {"", "dump", dir.resolve("missing").toString()},
            {"", "list", dir.resolve("missing").toString()},
            {"", "list", file.toString()},
            {"", "dump", "--match=up{", data.toString()},
            {"", "dump", "--match={job=\"a\"", data.toString()},
        };
        for (String[] c : cases) {
            List<String> args = List.of(c).subList(1, c.length);
            out.reset();
            err.reset();
            int ours = run(args.toArray(String[]::new));
            List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "tsdb"));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String theirs = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("promtool's exit code for %s", args).isEqualTo(1);
            assertThat(ours).as("exit code for %s", args).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).as("stderr for %s", args)
                    .isEqualTo(c[0].isEmpty() ? theirs : theirs.replace("promtool:", c[0] + ":"));
            assertThat(out.size()).as("stdout for %s", args).isZero();
        }
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: promethium tsdb");
    }

    @Test
    void backfilledBlocksAreServedByTheDatabaseWithExactSamples() throws IOException {
        Path data = dir.resolve("data");
        assertThat(run("create-blocks-from", "openmetrics", backfillFile().toString(), data.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.matches("^[0-9A-Z]{26} .*")))
                .as("a row per block written, as promtool prints them").hasSize(3);
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(data).withCompactionInterval(Duration.ZERO))) {
            try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet set = q.select(true, null, List.of(Matcher.equal("__name__", "http_requests_total")));
                List<Labels> labels = new ArrayList<>();
                List<Long> counts = new ArrayList<>();
                while (set.next()) {
                    labels.add(set.at().labels());
                    SampleIterator it = set.at().iterator(null);
                    long n = 0;
                    while (it.next()) {
                        if (n == 10) {
                            assertThat(it.timestamp()).isEqualTo((1_700_006_400L + 600) * 1000);
                        }
                        n++;
                    }
                    counts.add(n);
                }
                assertThat(labels).containsExactly(Labels.of("__name__", "http_requests_total", "code", "200", "path", "/a\"b"),
                        Labels.of("__name__", "http_requests_total", "code", "500"));
                assertThat(counts).containsExactly(300L, 300L);
            }
        }
    }

    @Test
    void listAndAnalyzeDescribeBlocks() throws IOException {
        Path data = dir.resolve("data");
        run("create-blocks-from", "openmetrics", backfillFile().toString(), data.toString());
        out.reset();
        assertThat(run("list", data.toString())).isZero();
        String listing = out.toString(StandardCharsets.UTF_8);
        assertThat(listing.lines().filter(l -> l.matches("^[0-9A-Z]{26} .*"))).hasSize(3);
        out.reset();
        assertThat(run("analyze", data.toString())).isZero();
        String analysis = out.toString(StandardCharsets.UTF_8);
        assertThat(analysis).matches("(?s)Block ID: [0-9A-Z]{26}\nDuration: .*");
        assertThat(analysis.substring(analysis.indexOf("Total Series"))).isEqualTo("""
                Total Series: 2
                Label names: 3
                Postings (unique label pairs): 4
                Postings entries (total label pairs): 5

                Label pairs most involved in churning:
                %1$s

                Label names most involved in churning:
                %2$s

                Most common label pairs:
                2 __name__=http_requests_total
                1 code=200
                1 code=500
                1 path=/a"b

                Label names with highest cumulative label value length:
                19 __name__
                6 code
                4 path

                Highest cardinality labels:
                2 code
                1 __name__
                1 path

                Highest cardinality metric names:
                2 http_requests_total
                """.formatted(churn(analysis, "Label pairs most involved in churning"),
                churn(analysis, "Label names most involved in churning")));
        out.reset();
        assertThat(run("analyze", "--limit=1", "--match={code=\"500\"}", "--extended", data.toString())).isZero();
        String matched = out.toString(StandardCharsets.UTF_8);
        assertThat(matched).contains("Total Series: 2\nMatcher: {code=\"500\"}\nLabel names: 2\nMatched series: 1\n")
                .contains("Most common label pairs:\n1 __name__=http_requests_total\n\n")
                .contains("\nCompaction analysis:\n\nsamples per float chunk (min/avg/max): ")
                .contains("samples per histogram chunk: N/A\n\n").endsWith("buckets per histogram chunk: N/A\n\n");
        assertThat(run("analyze", "--limit=many", data.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("strconv.ParseInt: parsing \"many\": invalid syntax");
    }

    /** A churn list's lines: its figures depend on where the backfill cut the blocks. */
    private static String churn(String analysis, String title) {
        int start = analysis.indexOf(title + ":\n") + title.length() + 2;
        return analysis.substring(start, analysis.indexOf("\n\n", start));
    }

    @Test
    void walStatsCountsTheRecordsOfAWalByType() throws IOException {
        Path data = dir.resolve("w");
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(data))) {
            for (int t = 0; t < 3; t++) {
                io.promethium.api.storage.Appender app = db.appender();
                for (int s = 0; s < 4; s++) {
                    app.append(0, Labels.of("__name__", "m", "s", Integer.toString(s)), t * 15_000L, t);
                }
                app.commit();
            }
        }
        assertThat(run("wal-stats", data.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("(?m)^series +1 .* 4 +")
                .containsPattern("(?m)^sample columns +3 .* 12 +");
        assertThat(run("wal-stats", dir.resolve("nothing").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no WAL directory at");
    }

    @Test
    void badBackfillInputFailsNamingFileLineAndColumn() throws IOException {
        Path file = dir.resolve("bad.om");
        Files.writeString(file, "up{job=\"x\"} 1 1700000000\nup{job=\"x\" 2 1700000060\n# EOF\n");
        assertThat(run("create-blocks-from", "openmetrics", file.toString(), dir.resolve("d").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(file + ":2:").contains("expected");
        Files.writeString(file, "up 1\n");
        assertThat(run("create-blocks-from", "openmetrics", file.toString(), dir.resolve("d").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("without timestamp");
    }

    @Test
    void backfillRequiresEofAndNamesTheFileAndLine() throws IOException {
        Path file = dir.resolve("noeof.om");
        Files.writeString(file, "up{job=\"x\"} 1 1700000000\nup{job=\"x\"} 2 1700000060\n");
        assertThat(run("create-blocks-from", "openmetrics", file.toString(), dir.resolve("d").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(file + ":3:").contains("# EOF");
        assertThat(dir.resolve("d")).doesNotExist();
        err.reset();
        Files.writeString(file, "up 1 1700000000\n# EOF\nup 2 1700000060\n");
        assertThat(run("create-blocks-from", "openmetrics", file.toString(), dir.resolve("d").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(file + ":3:").contains("after # EOF");
    }

    @Test
    void backfillTakesFractionalSecondsAndIgnoresExemplars() throws IOException {
        Path file = dir.resolve("ex.om");
        Files.writeString(file, "# TYPE req counter\n"
                + "req_total{a=\"1\"} 5 1700000000.25 # {trace_id=\"abc\"} 1.0 1699999999\n"
                + "req_total{a=\"1\"} 6 1700000015.5\n"
                + "# EOF\n");
        Path data = dir.resolve("data");
        assertThat(run("create-blocks-from", "openmetrics", file.toString(), data.toString())).isZero();
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(data).withCompactionInterval(Duration.ZERO))) {
            try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet set = q.select(true, null, List.of(Matcher.equal("__name__", "req_total")));
                assertThat(set.next()).isTrue();
                assertThat(set.at().labels()).isEqualTo(Labels.of("__name__", "req_total", "a", "1"));
                SampleIterator it = set.at().iterator(null);
                List<String> samples = new ArrayList<>();
                while (it.next()) {
                    samples.add(it.timestamp() + "=" + it.value());
                }
                assertThat(samples).containsExactly("1700000000250=5.0", "1700000015500=6.0");
                assertThat(set.next()).isFalse();
            }
        }
    }

    @Test
    void fileReadInManyPiecesGivesTheSameSamplesAsReadWhole() throws IOException {
        Path file = backfillFile();
        assertThat(samples(file, 97)).isEqualTo(samples(file, OpenMetricsFileReader.PIECE_BYTES)).hasSize(600);
        // A line longer than a piece grows the buffer.
        assertThat(samples(file, 16)).hasSize(600);
    }

    @Test
    void errorsInLaterPiecesNameTheLineOfTheWholeFile() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sb.append("up{job=\"x\"} ").append(i).append(' ').append(1_700_000_000L + i * 15).append('\n');
        }
        Path file = dir.resolve("late.om");
        Files.writeString(file, sb + "up{job=\"x\" 2 1700001000\n# EOF\n");
        assertThatThrownBy(() -> samples(file, 64)).hasMessageContaining(file + ":41:").hasMessageContaining("expected");
        Files.writeString(file, sb + "# EOF\n" + sb + "# EOF\n");
        assertThatThrownBy(() -> samples(file, 64)).hasMessageContaining(file + ":42:").hasMessageContaining("after # EOF");
        Files.writeString(file, sb.toString());
        assertThatThrownBy(() -> samples(file, 64)).hasMessageContaining(file + ":41:").hasMessageContaining("# EOF");
    }

    private static List<String> samples(Path file, int pieceBytes) throws IOException {
        List<String> out = new ArrayList<>();
        new OpenMetricsFileReader(file, pieceBytes).read((labels, t, v) -> out.add(labels + " " + t + " " + v));
        return out;
    }

    @Test
    void backfillOfMoreWindowsThanOpenSpillFilesInterleavedKeepsEverySample() throws IOException {
        int windows = Backfill.MAX_OPEN_SPILLS + 8;
        StringBuilder sb = new StringBuilder();
        // Each pass visits every window, so spill files are closed and reopened to append.
        for (int pass = 0; pass < 3; pass++) {
            for (int w = 0; w < windows; w++) {
                sb.append("up{job=\"x\"} ").append(w * 10 + pass).append(' ').append(1_700_006_400L + w * 7200L + pass * 60L).append('\n');
            }
        }
        Path file = dir.resolve("many.om");
        Files.writeString(file, sb + "# EOF\n");
        Path data = dir.resolve("data");
        assertThat(run("create-blocks-from", "openmetrics", file.toString(), data.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.matches("^[0-9A-Z]{26} .*"))).hasSize(windows);
        try (var left = Files.list(data)) {
            assertThat(left.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(data).withCompactionInterval(Duration.ZERO))) {
            try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet set = q.select(true, null, List.of(Matcher.equal("__name__", "up")));
                assertThat(set.next()).isTrue();
                SampleIterator it = set.at().iterator(null);
                List<Double> values = new ArrayList<>();
                while (it.next()) {
                    values.add(it.value());
                }
                List<Double> expected = new ArrayList<>();
                for (int w = 0; w < windows; w++) {
                    for (int pass = 0; pass < 3; pass++) {
                        expected.add((double) (w * 10 + pass));
                    }
                }
                assertThat(values).isEqualTo(expected);
            }
        }
    }

    /** Masks what differs between two writers of the same data: the block ULID and the size (the last cell). */
    private static List<String> masked(String listing) {
        return listing.lines().map(l -> l.replaceFirst("^[0-9A-Z]{26}", "ULID").replaceFirst("\\S+$", "SIZE")).toList();
    }

    /**
     * Three 2h windows whose samples start 90 s into each and end 89 s before its end: the blocks
     * span their samples, as promtool's do, so the listings' times agree too. 120 samples a
     * window: one chunk for both (they cut the 121st differently).
     */
    private Path threeWindows() throws IOException {
        StringBuilder om = new StringBuilder("# TYPE jobs_total counter\n");
        for (int w = 0; w < 3; w++) {
            long start = 1_700_006_400L + w * 7200L;
            for (int k = 0; k < 120; k++) {
                om.append("jobs_total{q=\"a\"} ").append(w * 200 + k).append(' ').append(start + 90 + k * 59L).append('\n');
            }
        }
        Path file = dir.resolve("windows.om");
        Files.writeString(file, om.append("# EOF\n").toString());
        return file;
    }

    /**
     * The same OpenMetrics file backfilled by promtool 2.42 (Debian's) and by Promethium lists the
     * same: columns, numbers, durations, padding; {@code -r} too. Only the ULIDs and sizes differ
     * (promtool cannot read Promethium's blocks, so each lists its own).
     */
    @Test
    void rawBlocksListAsPromtoolListsTheSameData() throws Exception {
        Path promtool = io.promethium.testsupport.Peers.require("promtool");
        Path file = threeWindows();
        Path theirs = dir.resolve("promtool-data");
        TsdbDumpTest.exec(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", file.toString(), theirs.toString());
        Files.createDirectories(theirs.resolve("wal")); // promtool 2.42 opens a read-only DB, which needs one
        Path ours = dir.resolve("data");
        assertThat(run("create-blocks-from", "openmetrics", file.toString(), ours.toString())).isZero();
        for (String[] flags : List.of(new String[0], new String[] {"-r"})) {
            List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "tsdb", "list"));
            cmd.addAll(List.of(flags));
            cmd.add(theirs.toString());
            String expected = TsdbDumpTest.exec(cmd.toArray(String[]::new));
            out.reset();
            List<String> args = new ArrayList<>(List.of("list"));
            args.addAll(List.of(flags));
            args.add(ours.toString());
            assertThat(run(args.toArray(String[]::new))).isZero();
            assertThat(expected.lines()).as("promtool's listing").hasSize(4);
            assertThat(masked(out.toString(StandardCharsets.UTF_8))).as("list " + String.join(" ", flags))
                    .containsExactlyElementsOf(masked(expected));
        }
    }

    /**
     * {@code create-blocks-from openmetrics} prints what promtool 2.42 prints for the same file,
     * block by block ({@code tsdb list}'s columns; the ULIDs and sizes differ), in both time
     * formats, nothing with {@code -q}; {@code --label} (promtool 3) labels every sample and
     * {@code --max-block-duration} widens the windows as promtool's does.
     */
    @Test
    void createBlocksFromOpenMetricsTakesPromtoolsFlagsAndPrintsItsTable() throws Exception {
        Path promtool = io.promethium.testsupport.Peers.require("promtool");
        Path file = threeWindows();
        for (String[] flags : List.of(new String[0], new String[] {"-r"})) {
            Path theirs = dir.resolve("promtool" + flags.length);
            List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "tsdb", "create-blocks-from"));
            cmd.addAll(List.of(flags));
            cmd.addAll(List.of("openmetrics", file.toString(), theirs.toString()));
            String expected = TsdbDumpTest.exec(cmd.toArray(String[]::new));
            out.reset();
            List<String> args = new ArrayList<>(List.of("create-blocks-from"));
            args.addAll(List.of(flags));
            args.addAll(List.of("openmetrics", file.toString(), dir.resolve("ours" + flags.length).toString()));
            assertThat(run(args.toArray(String[]::new))).isZero();
            assertThat(expected.lines()).as("promtool's table").hasSize(4);
            assertThat(masked(out.toString(StandardCharsets.UTF_8))).as("create-blocks-from " + String.join(" ", flags))
                    .containsExactlyElementsOf(masked(expected));
        }
        out.reset();
        Path labelled = dir.resolve("labelled");
        assertThat(run("create-blocks-from", "-q", "--max-block-duration=6h", "openmetrics", "--label=env=prod", "--label=q=b",
                file.toString(), labelled.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).as("-q").isEmpty();
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(labelled).withCompactionInterval(Duration.ZERO))) {
            try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet set = q.select(true, null, List.of(Matcher.equal("__name__", "jobs_total")));
                assertThat(set.next()).isTrue();
                assertThat(set.at().labels()).isEqualTo(Labels.of("__name__", "jobs_total", "env", "prod", "q", "b"));
                assertThat(set.next()).isFalse();
            }
        }
        try (var blocks = Files.list(labelled)) {
            assertThat(blocks.filter(p -> p.getFileName().toString().matches("[0-9A-Z]{26}"))).as("one 6 h window holds the three 2 h ones")
                    .hasSize(1);
        }
        assertThat(run("create-blocks-from", "openmetrics", "--label=nolabel", file.toString(), labelled.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("expected KEY=VALUE got 'nolabel'");
        assertThat(Backfill.Args.compatibleBlockDuration(Duration.ofHours(1).toMillis())).isEqualTo(Duration.ofHours(2).toMillis());
        assertThat(Backfill.Args.compatibleBlockDuration(Duration.ofHours(20).toMillis())).isEqualTo(Duration.ofHours(18).toMillis());
    }

    /**
     * The same OpenMetrics file backfilled by promtool 2.42 and by Promethium: {@code tsdb analyze}
     * of the last block says the same, line for line, but the block's ID, 2.42's {@code Series:}
     * (Prometheus 3 prints {@code Total Series:}) and the order of equal counts within a list,
     * which promtool's unstable sort leaves open. Series that begin and end inside the block make
     * the churn lists non-trivial; names and values of different byte lengths the value-length list.
     */
    @Test
    void analyzeSaysWhatPromtoolSaysOfTheSameData() throws Exception {
        Path promtool = io.promethium.testsupport.Peers.require("promtool");
        StringBuilder om = new StringBuilder("# TYPE jobs_total counter\n");
        for (int w = 0; w < 3; w++) {
            long start = 1_700_006_400L + w * 7200L;
            for (int k = 0; k < 120; k++) {
                om.append("jobs_total{q=\"a\",zone=\"eu\"} ").append(w * 200 + k).append(' ').append(start + k * 60L).append('\n');
            }
            om.append("jobs_total{q=\"a\",zone=\"eu\"} ").append(w * 200 + 120).append(' ').append(start + 7199).append(".999\n");
            for (int k = 0; k < 60; k++) { // the first hour only
                om.append("jobs_total{q=\"bb\",zone=\"eu\"} ").append(k).append(' ').append(start + k * 60L).append('\n');
            }
        }
        om.append("# TYPE pod_restarts gauge\n");
        long last = 1_700_006_400L + 2 * 7200L;
        for (int pod = 0; pod < 5; pod++) { // pods replaced every 20 minutes in the last window
            for (int k = 0; k < 20; k++) {
                om.append("pod_restarts{pod=\"api-").append("x".repeat(pod + 1)).append("\",zone=\"us\"} ").append(pod).append(' ')
                        .append(last + pod * 1200L + k * 60L).append('\n');
            }
        }
        Path file = dir.resolve("churn.om");
        Files.writeString(file, om.append("# EOF\n").toString());
        Path theirs = dir.resolve("promtool-data");
        TsdbDumpTest.exec(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", file.toString(), theirs.toString());
        Files.createDirectories(theirs.resolve("wal"));
        Path ours = dir.resolve("data");
        assertThat(run("create-blocks-from", "openmetrics", file.toString(), ours.toString())).isZero();
        String expected = TsdbDumpTest.exec(promtool.toString(), "tsdb", "analyze", "--limit=1000", theirs.toString());
        assertThat(expected).as("promtool's analysis").contains("Series: 7\n");
        out.reset();
        assertThat(run("analyze", "--limit=1000", ours.toString())).isZero();
        assertThat(comparable(out.toString(StandardCharsets.UTF_8)))
                .isEqualTo(comparable(expected.replace("\nSeries: ", "\nTotal Series: ")));
    }

    /** The analysis without its block ID, each list's lines sorted (equal counts come in any order). */
    private static List<String> comparable(String analysis) {
        List<String> sections = new ArrayList<>();
        for (String section : analysis.split("\n\n")) {
            List<String> lines = new ArrayList<>(section.lines().filter(l -> !l.startsWith("Block ID: ")).toList());
            if (!lines.isEmpty() && lines.get(0).endsWith(":")) {
                java.util.Collections.sort(lines.subList(1, lines.size()));
            }
            sections.add(String.join("\n", lines));
        }
        return sections;
    }

    @Test
    void goFormatsAreThoseOfPromtool() {
        // As promtool 2.42 prints them (tsdb list, and list -r).
        assertThat(BlockList.goDuration(7_185_001)).isEqualTo("1h59m45.001s");
        assertThat(BlockList.goDuration(7_200_000)).isEqualTo("2h0m0s");
        assertThat(BlockList.goDuration(90_500)).isEqualTo("1m30.5s");
        assertThat(BlockList.goDuration(500)).isEqualTo("500ms");
        assertThat(BlockList.goDuration(0)).isEqualTo("0s");
        assertThat(BlockList.bytes(1467, true)).isEqualTo("1KiB443B");
        assertThat(BlockList.bytes(1024 * 1024, true)).isEqualTo("1MiB");
        assertThat(BlockList.bytes(0, true)).isEqualTo("0B");
        assertThat(BlockList.bytes(1467, false)).isEqualTo("1467");
        assertThat(BlockList.time(1_704_074_385_001L, true)).isEqualTo("2024-01-01 01:59:45 +0000 UTC");
        assertThat(BlockList.time(1_704_074_385_001L, false)).isEqualTo("1704074385001");
    }

    /** Downsampled companions of the first backfilled block at 5m and 1h; returns their ULIDs. */
    private List<String> withCompanions(Path data) throws IOException {
        assertThat(run("create-blocks-from", "openmetrics", backfillFile().toString(), data.toString())).isZero();
        List<io.promethium.tsdb.internal.block.Block> blocks = BlockList.open(data, System.out);
        List<String> ulids = new ArrayList<>();
        try {
            for (long resolution : new long[] {5 * 60_000, 3_600_000}) {
                ulids.add(new io.promethium.tsdb.internal.block.Downsampler(io.promethium.tsdb.internal.fs.FileOpener.DEFAULT)
                        .downsample(blocks.get(0), resolution, data).meta().ulid());
            }
        } finally {
            blocks.forEach(io.promethium.tsdb.internal.block.Block::close);
        }
        return ulids;
    }

    @Test
    void listGivesEachBlocksResolutionWhenCompanionsExist() throws IOException {
        Path data = dir.resolve("data");
        List<String> companions = withCompanions(data);
        out.reset();
        assertThat(run("list", data.toString())).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).matches("BLOCK ULID +MIN TIME +MAX TIME +DURATION +NUM SAMPLES +NUM CHUNKS +NUM SERIES +SIZE +RESOLUTION");
        assertThat(lines).hasSize(6);
        assertThat(lines.stream().filter(l -> l.endsWith("  raw"))).hasSize(3);
        assertThat(lines).anyMatch(l -> l.startsWith(companions.get(0)) && l.endsWith("  5m"));
        assertThat(lines).anyMatch(l -> l.startsWith(companions.get(1)) && l.endsWith("  1h"));
        assertThat(lines.subList(1, 6)).as("every row's cells line up under the header")
                .allSatisfy(l -> assertThat(cellStarts(l)).isEqualTo(cellStarts(lines.get(0))));
        out.reset();
        assertThat(run("list", "-r", data.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().skip(1)).allMatch(l -> l.contains(" +0000 UTC  "));
    }

    /** Where each cell of a listing line starts: after two spaces or more. */
    private static List<Integer> cellStarts(String line) {
        List<Integer> starts = new ArrayList<>(List.of(0));
        for (int i = 2; i < line.length(); i++) {
            if (line.charAt(i) != ' ' && line.charAt(i - 1) == ' ' && line.charAt(i - 2) == ' ') {
                starts.add(i);
            }
        }
        return starts;
    }

    @Test
    void analyzeSaysWhichResolutionItAnalysesAndTakesOneOnRequest() throws IOException {
        Path data = dir.resolve("data");
        List<String> companions = withCompanions(data);
        out.reset();
        assertThat(run("analyze", data.toString())).isZero();
        String raw = out.toString(StandardCharsets.UTF_8);
        assertThat(raw).as("promtool's lines for a raw block").doesNotContain("Resolution:").contains("Total Series: 2")
                .doesNotContain(companions.get(0));
        out.reset();
        assertThat(run("analyze", "--resolution=5m", data.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Block ID: " + companions.get(0) + "\nResolution: 5m\n")
                .contains("Total Series: 2");
        out.reset();
        assertThat(run("analyze", data.toString(), companions.get(1))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Block ID: " + companions.get(1) + "\nResolution: 1h\n");
        assertThat(run("analyze", "--resolution=1d", data.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no 1d blocks in " + data).contains("it holds raw, 5m, 1h");
        err.reset();
        assertThat(run("analyze", "--resolution=raw", data.toString(), companions.get(1))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("block " + companions.get(1) + " is 1h, not --resolution=raw");
        err.reset();
        assertThat(run("analyze", "--resolution=fast", data.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--resolution: not raw or a duration: \"fast\"");
    }

    @Test
    void listOfMissingDirectoryFailsClearly() {
        assertThat(run("list", dir.resolve("nope").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("opening the db dir: stat " + dir.resolve("nope") + ": no such file or directory\n");
    }
}
