package io.promethium.tsdb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TsdbBenchTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int run(String... args) {
        return TsdbBench.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void unknownBenchOrFlagPrintsUsageAndExitsTwo() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: distribution/bench/tsdb");
        assertThat(run("write", "--bogus")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown flag for bench write: --bogus");
    }

    @Test
    void replayBenchWritesAWalAndPrintsItsReplayFigures() throws Exception {
        assertThat(run("replay", "--series", "200", "--scrapes", "3", "--replays", "1", "--dir", dir.toString())).isZero();
        assertThat(Files.isDirectory(dir.resolve("data/wal"))).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("replay 1: ").containsPattern("\\d+ series, \\d+ samples, WAL");
    }
}
