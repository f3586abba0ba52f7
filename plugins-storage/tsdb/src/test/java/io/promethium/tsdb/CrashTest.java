package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.tsdb.TestSupport.Sample;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
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
        int lastAck = CrashChild.killAfterAcks(CrashTest.class, 300, dir.toString(), mode);
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
