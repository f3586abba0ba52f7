package io.promethium.alertmanager.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line of {@code check alertmanager-config}: flags are flags, not file names. */
class CheckAlertmanagerConfigTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return CheckAlertmanagerConfig.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void pluginsDirIsTakenAsTheLaunchersFlagNotAsAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("alertmanager.yml"), "route:\n  receiver: r\nreceivers:\n  - name: r\n");
        assertThat(run("--plugins.dir=" + dir.resolve("candidates"), file.toString())).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Checking '" + file + "'\n  SUCCESS\n").doesNotContain("candidates");
        assertThat(run("--plugins.dir", dir.toString(), file.toString())).isZero();
    }

    @Test
    void anUnknownFlagOrNoFileIsAUsageErrorAsAmtool() {
        assertThat(run("--bogus", "a.yml")).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown long flag '--bogus'");
        assertThat(run()).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("required argument 'check-files' not provided");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
