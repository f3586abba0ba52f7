package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
}
