package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.TestSupport.Sample;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writer process with SIGKILL while it appends and checks that every batch whose commit
 * returned (the child prints it after commit) is there after reopening: with an fsync per commit
 * and in the default mode, where a commit's bytes only reach the OS before it returns.
 */
class CrashTest {
    @TempDir
    Path dir;

    /** The child: appends batches forever, printing each acknowledged batch number; args: dir, sync|nosync. */
    public static void main(String[] args) {
        boolean sync = args[1].equals("sync");
        try (Tsdb db = Tsdb.open(TsdbOptions.defaults(Paths.get(args[0])).withCompactionInterval(java.time.Duration.ZERO)
                .withWal(true, sync))) {
            for (int batch = 0; ; batch++) {
                Appender app = db.appender();
                for (int s = 0; s < 100; s++) {
                    app.append(0, Labels.of("__name__", "crash", "s", Integer.toString(s)), batch * 1000L, batch);
                }
                app.commit();
                System.out.println("ack " + batch);
                System.out.flush();
            }
        }
    }

    @ParameterizedTest(name = "walSyncOnCommit={0}")
    @ValueSource(strings = {"nosync", "sync"})
    void everyAcknowledgedSampleSurvivesSigkill(String mode) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashTest.class.getName(), dir.toString(),
                mode)
                .redirectErrorStream(true)
                .start();
        int lastAck = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    lastAck = Integer.parseInt(line.substring(4));
                    if (lastAck >= 300) {
                        break;
                    }
                } else {
                    System.err.println("child: " + line);
                }
            }
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lastAck).as("child acknowledged commits").isGreaterThanOrEqualTo(300);
        try (Tsdb db = Tsdb.open(options(dir))) {
            Map<Labels, List<Sample>> data = TestSupport.read(db, 0, Long.MAX_VALUE, Matcher.equal("__name__", "crash"));
            assertThat(data).hasSize(100);
            for (List<Sample> samples : data.values()) {
                assertThat(samples.size()).isGreaterThan(lastAck);
                for (int b = 0; b <= lastAck; b++) {
                    assertThat(samples.get(b)).isEqualTo(new Sample(b * 1000L, b));
                }
            }
        }
    }
}
