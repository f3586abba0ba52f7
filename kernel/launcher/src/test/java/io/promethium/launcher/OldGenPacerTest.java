package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OldGenPacerTest {

    @Test
    void collectsAtTheKeptSizeGrownByThePercentNeverBelowTheFloor() {
        assertThat(OldGenPacer.threshold(100L << 20, 100, 16L << 20)).isEqualTo(200L << 20);
        assertThat(OldGenPacer.threshold(100L << 20, 50, 16L << 20)).isEqualTo(150L << 20);
        assertThat(OldGenPacer.threshold(0, 100, 16L << 20)).isEqualTo(16L << 20);
    }

    @Test
    void percentIsAWholeNumberOrOffAndHundredWhenUnset() {
        assertThat(Server.gcPercent(null)).isEqualTo(100);
        assertThat(Server.gcPercent("50")).isEqualTo(50);
        assertThat(Server.gcPercent("off")).isZero();
        assertThatThrownBy(() -> Server.gcPercent("-5")).hasMessageContaining("PROMETHIUM_GC_PERCENT").hasMessageContaining("'-5'");
        assertThatThrownBy(() -> Server.gcPercent("1.5x")).hasMessageContaining("'1.5x'");
    }

    @Test
    void offOrUnderACollectorThatPacesItselfStartsNothing() throws Exception {
        assertThat(OldGenPacer.start(0, 16L << 20)).isEmpty();
        assertThat(run("-XX:+UseG1GC", 100)).contains("pacer=none");
    }

    /**
     * A child JVM keeps ~24 MB live in 1 KB arrays, replacing some each step, so replaced arrays
     * that survived a young collection die in the old generation; the serial and parallel
     * collectors alone would let the old generation fill up towards the maximum heap.
     */
    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseSerialGC", "-XX:+UseParallelGC"})
    void keepsTheOldGenerationNearTwiceWhatItKept(String collector) throws Exception {
        String out = run(collector, 100);
        assertThat(out).contains("pacer=started");
        long oldCollections = Long.parseLong(value(out, "oldCollections"));
        long maxOld = Long.parseLong(value(out, "maxOldUsed"));
        assertThat(oldCollections).as(out).isGreaterThan(0);
        // 2x the ~24 MB live, plus what young collections promote while the usage notification
        // travels to the pacer's thread (asynchronous: on a quiet machine the churn outran it to
        // 99 MB once, 185 MB once); unpaced, the old generation grows towards the 1 GB maximum
        // (~713 MB in this run), so a quarter of that still tells paced from unpaced.
        assertThat(maxOld).as(out).isLessThan(256L << 20);
    }

    private static String value(String out, String name) {
        for (String part : out.strip().split(" ")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new AssertionError(name + " not in " + out);
    }

    private static String run(String collector, int percent) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), collector, "-Xms16m", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), Churn.class.getName(), Integer.toString(percent))
                .redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not end within 60 s");
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }

    /** The child: churns a live set and prints the old generation's figures. */
    public static final class Churn {
        public static void main(String[] args) throws Exception {
            var pacer = OldGenPacer.start(Integer.parseInt(args[0]), 16L << 20);
            MemoryPoolMXBean old = null;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getName().equals("Tenured Gen") || pool.getName().equals("PS Old Gen")) {
                    old = pool;
                }
            }
            List<byte[]> live = new ArrayList<>();
            for (int i = 0; i < 24_000; i++) {
                live.add(new byte[1024]);
            }
            long maxOld = 0;
            long sink = 0;
            java.util.Random random = new java.util.Random(1);
            for (int step = 0; step < 3_000; step++) {
                for (int i = 0; i < 300; i++) {
                    live.set(random.nextInt(live.size()), new byte[1024]);
                }
                for (int i = 0; i < 400; i++) {
                    sink += new byte[1024].length;
                }
                if (old != null) {
                    maxOld = Math.max(maxOld, old.getUsage().getUsed());
                }
            }
            // Let a collection the pacer asked for end before counting.
            Thread.sleep(200);
            long oldCollections = pacer.map(OldGenPacer::oldCollections).orElse(0L);
            System.out.println("pacer=" + (pacer.isPresent() ? "started" : "none") + " oldCollections=" + oldCollections
                    + " maxOldUsed=" + maxOld + " sink=" + sink);
        }
    }
}
