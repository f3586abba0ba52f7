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

    @Test
    void unknownArgumentsPrintUsageAndExitOneAsPromtool() {
        assertThat(run("frobnicate")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: promethium tsdb");
        assertThat(run()).isEqualTo(1);
        assertThat(run("bench", "write")).isEqualTo(1);
    }

    @Test
    void backfilledBlocksAreServedByTheDatabaseWithExactSamples() throws IOException {
        Path data = dir.resolve("data");
        assertThat(run("create-blocks-from", "openmetrics", backfillFile().toString(), data.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("read 600 samples").contains("wrote 3 blocks");
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
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Series: 2").contains("Highest cardinality labels").contains("code");
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
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("wrote " + windows + " blocks");
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

    @Test
    void listOfMissingDirectoryFailsClearly() {
        assertThat(run("list", dir.resolve("nope").toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("not a directory");
    }
}
