package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench programs under {@code distribution/bench} compile together, and measure through one
 * shared helper ({@code Proc.java}) instead of each its own copy of the /proc readers.
 */
class BenchProgramsIT {
    private static final Path BENCH = Path.of("bench");

    @TempDir
    static Path classes;
    private static URLClassLoader loader;

    @BeforeAll
    static void compile() throws IOException {
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-proc:none", "-Xlint:none"));
        try (Stream<Path> files = Files.list(BENCH)) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> args.add(f.toString()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, errors, errors, args.toArray(String[]::new));
        assertThat(rc).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, BenchProgramsIT.class.getClassLoader());
    }

    private static Object proc(String method, Class<?>[] types, Object... args) throws Exception {
        Method m = loader.loadClass("Proc").getDeclaredMethod(method, types);
        m.setAccessible(true);
        return m.invoke(null, args);
    }

    @Test
    void onlyTheSharedHelperReadsProc() throws IOException {
        List<String> readers = new ArrayList<>();
        try (Stream<Path> files = Files.list(BENCH)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (Files.readString(f).contains("Path.of(\"/proc")) {
                    readers.add(f.getFileName().toString());
                }
            }
        }
        assertThat(readers).containsExactly("Proc.java");
    }

    @Test
    void theSharedHelperMeasuresThisProcess() throws Exception {
        long pid = ProcessHandle.current().pid();
        assertThat((double) proc("cpuSeconds", new Class<?>[] {long.class}, pid)).isPositive();
        assertThat((double) proc("childrenCpuSeconds", new Class<?>[0])).isNotNegative();
        assertThat((long) proc("peakRssBytes", new Class<?>[] {long.class}, pid)).isGreaterThan(10L << 20); // a JVM that just ran javac
        assertThat((String) proc("loadAverage", new Class<?>[0])).matches("\\d+\\.\\d+ \\d+\\.\\d+ \\d+\\.\\d+");
        assertThat((int) proc("freePort", new Class<?>[0])).isBetween(1, 65535);
        // Its own /proc/PID/io is readable, so the bytes are counted, not -1.
        assertThat(proc("diskReads", new Class<?>[] {long.class}, pid).toString()).matches("DiskReads\\[bytes=\\d+, majorFaults=\\d+]");
    }

    @Test
    void sizeIsAFilesLengthAFoldersTotalAndMinusOneForNothing(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("a"), new byte[300]);
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/b"), new byte[700]);
        assertThat((long) proc("size", new Class<?>[] {Path.class}, dir)).isEqualTo(1_000);
        assertThat((long) proc("size", new Class<?>[] {Path.class}, dir.resolve("a"))).isEqualTo(300);
        assertThat((long) proc("size", new Class<?>[] {Path.class}, dir.resolve("absent"))).isEqualTo(-1);
    }

    @Test
    void theVerdictJudgesEachTargetAgainstItsOwnServerAndLimit() throws Exception {
        Map<String, Object> figures = new LinkedHashMap<>();
        // cpu s, samples, series, peak RSS, WAL bytes, WAL B/sample, RSS after queries, cold, warm, query CPU, replay s
        figures.put("prometheus", figures(4, 1_000_000, 200_000, 500e6, 2.0, Map.of("vector(1)", 1.0, "count({__name__=~\"node_.+\"})", 100.0), 1.0));
        figures.put("victoria-metrics", figures(5, 1_000_000, 200_000, 200e6, Double.NaN, Map.of(), Double.NaN));
        figures.put("promethium", figures(1.9, 1_000_000, 200_000, 210e6, 1.5, Map.of("vector(1)", 0.9, "count({__name__=~\"node_.+\"})", 60.0), 3.0));
        Method verdicts = loader.loadClass("SideBySide").getDeclaredMethod("verdicts", Map.class);
        verdicts.setAccessible(true);
        String out = (String) verdicts.invoke(null, figures);
        assertThat(out).contains("✓ CPU per sample: 0.48× vs prometheus, limit 0.5×")
                .contains("✗ peak RSS per series, ingesting: 1.05× vs victoria-metrics, limit 1.0×")
                .contains("✓ WAL bytes per sample: 0.75× vs prometheus")
                .contains("✗ WAL replay to ready: 3.00× vs prometheus")
                .contains("✓ `vector(1)` warm: 0.90× vs prometheus, limit 1.0×")
                // 200k series: counting every series must be twice as fast, 0.6× is not
                .contains("✗ `count({__name__=~\"node_.+\"})` warm: 0.60× vs prometheus, limit 0.5×")
                .contains("✗ `no_such_metric` warm: — vs prometheus");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPageRepeatedToNSeriesKeepsEachFamilyUnderItsOneHeader() throws Exception {
        Class<?> side = loader.loadClass("SideBySide");
        Method parse = side.getDeclaredMethod("parsePage", String.class);
        Method expand = side.getDeclaredMethod("expand", List.class, int.class);
        Method render = side.getDeclaredMethod("render", List.class, int.class, long.class);
        for (Method m : List.of(parse, expand, render)) {
            m.setAccessible(true);
        }
        Object page = parse.invoke(null, "# HELP x h\n# TYPE x gauge\nx 1\ny{a=\"b\"} 2\nz{} 3\n");
        String seven = new String((byte[]) render.invoke(null, expand.invoke(null, page, 7), 0, 0L), StandardCharsets.UTF_8);
        assertThat(seven.split("\n")).containsExactly("# HELP x h", "# TYPE x gauge", "x 1", "x{copy=\"1\"} 1", "x{copy=\"2\"} 1",
                "y{a=\"b\"} 2", "y{a=\"b\",copy=\"1\"} 2", "z{} 3", "z{copy=\"1\"} 3");
        String two = new String((byte[]) render.invoke(null, expand.invoke(null, page, 2), 0, 0L), StandardCharsets.UTF_8);
        assertThat(two.split("\n")).containsExactly("# HELP x h", "# TYPE x gauge", "x 1", "y{a=\"b\"} 2");
    }

    @Test
    void churnIsAPercentageOfTheTargetsEveryInterval() throws Exception {
        Method parse = loader.loadClass("SideBySide$Churn").getDeclaredMethod("parse", String.class);
        parse.setAccessible(true);
        assertThat(parse.invoke(null, "10/60").toString()).isEqualTo("Churn[percent=10.0, every=PT1M]");
        assertThat(parse.invoke(null, "10%/2m").toString()).isEqualTo("Churn[percent=10.0, every=PT2M]");
        assertThatThrownBy(() -> parse.invoke(null, "10")).hasRootCauseMessage("--churn=P/INTERVAL (for example 10/60s, 10%/1m), got 10");
        assertThatThrownBy(() -> parse.invoke(null, "0/60")).hasRootCauseMessage("--churn: the percentage must be in (0, 100], got 0/60");
    }

    private static Object figures(double cpu, double samples, double series, double rss, double walPerSample,
                                  Map<String, Double> warm, double replay) throws Exception {
        Class<?> type = loader.loadClass("SideBySide$Figures");
        var constructor = type.getDeclaredConstructors()[0];
        constructor.setAccessible(true);
        return constructor.newInstance(cpu, samples, series, (long) rss, 0L, walPerSample, (long) rss, Map.of(), warm, Map.of(), replay);
    }
}
