package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class G1HeapGiveBackTest {

    @Test
    void aHeapIsBloatedWhenMoreThanHalfOfItAndMoreThanTheSlackIsFree() {
        long mb = 1L << 20;
        assertThat(G1HeapGiveBack.bloated(1290 * mb, 40 * mb, 16 * mb, 64 * mb)).isTrue();
        assertThat(G1HeapGiveBack.bloated(120 * mb, 81 * mb, 16 * mb, 64 * mb)).as("less than half free").isFalse();
        assertThat(G1HeapGiveBack.bloated(80 * mb, 20 * mb, 16 * mb, 64 * mb)).as("free below the slack").isFalse();
        assertThat(G1HeapGiveBack.bloated(500 * mb, 250 * mb, 16 * mb, 64 * mb)).as("exactly half free").isFalse();
    }

    /** A heap at its -Xms floor cannot shrink: a cycle asked for there only costs (each arms every compiled method's entry barrier). */
    @Test
    void aHeapMostlyFreeButNearItsFloorIsNotBloated() {
        long mb = 1L << 20;
        assertThat(G1HeapGiveBack.bloated(118 * mb, 25 * mb, 96 * mb, 64 * mb)).as("22 MB above the floor").isFalse();
        assertThat(G1HeapGiveBack.bloated(200 * mb, 25 * mb, 96 * mb, 64 * mb)).as("104 MB above the floor").isTrue();
    }

    @Test
    void intervalIsWholeSecondsOrOffAndSixtyWhenUnset() {
        assertThat(Server.giveBackSeconds(null)).isEqualTo(60);
        assertThat(Server.giveBackSeconds("30")).isEqualTo(30);
        assertThat(Server.giveBackSeconds("off")).isZero();
        assertThatThrownBy(() -> Server.giveBackSeconds("0")).hasMessageContaining("PROMETHIUM_GC_GIVEBACK").hasMessageContaining("'0'");
        assertThatThrownBy(() -> Server.giveBackSeconds("1m")).hasMessageContaining("'1m'");
    }

    /**
     * Whether the give-back starts is decided as the child JVM starts, before its load: a second
     * of load suffices to see it report {@code none}.
     */
    @Test
    void offWhenSystemGcWouldBeAFullCollectionOrUnderAnotherCollector() throws Exception {
        assertThat(G1HeapGiveBack.start(0, 0)).isEmpty();
        assertThat(run(List.of("-XX:+UseG1GC"), 1, 1)).contains("giveBack=none");
        assertThat(run(List.of("-XX:+UseParallelGC", "-XX:+ExplicitGCInvokesConcurrent"), 1, 1)).contains("giveBack=none");
    }

    /**
     * A child JVM keeps 300 MB live for a moment, then 40 MB with short-lived garbage: G1 alone
     * keeps the heap it grew for the burst; with a give-back interval of 1 s it asks for a
     * concurrent cycle and the heap of the run's second half is well below the peak.
     */
    @Test
    void aHeapLeftMostlyFreeAfterABurstIsGivenBack() throws Exception {
        String out = run(List.of("-XX:+UseG1GC", "-XX:+ExplicitGCInvokesConcurrent", "-XX:G1HeapRegionSize=2m",
                "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:GCTimeRatio=4"), 16, 1);
        assertThat(out).contains("giveBack=started");
        assertThat(Long.parseLong(value(out, "requests"))).as(out).isPositive();
        long peak = Long.parseLong(value(out, "peakCommittedMb"));
        long lastHalf = Long.parseLong(value(out, "lastHalfMaxCommittedMb"));
        assertThat(peak).as(out).isGreaterThan(300);
        assertThat(lastHalf).as(out).isLessThan(peak / 2);
    }

    private static String value(String out, String name) {
        for (String part : out.strip().split("\\s+")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new AssertionError(name + " not in " + out);
    }

    private static String run(List<String> flags, int seconds, int giveBackSeconds) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(flags);
        command.addAll(List.of("-Xms16m", "-Xmx1g", "-cp", System.getProperty("java.class.path"), G1HeapGiveBackBench.class.getName(),
                Integer.toString(seconds), Integer.toString(giveBackSeconds), "300"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not end within 90 s");
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}
