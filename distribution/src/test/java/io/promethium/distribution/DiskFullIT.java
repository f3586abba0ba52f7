package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The data folder on a small file system filled while the server scrapes itself: a 256 MiB
 * {@code tmpfs} mounted by the test (it needs root; elsewhere the test is skipped, and the same
 * behaviour is covered at unit level by the TSDB's {@code DiskFullTest}). Full: the failure is
 * logged once with "no space left on device" and counted, the server stays ready and answers
 * queries; space back: ingestion resumes by itself; a restart finds every sample acknowledged.
 */
class DiskFullIT {

    private static final String CONFIG = """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: self
                static_configs:
                  - targets: ["127.0.0.1:%d"]
            """;

    @Test
    void aFullDataFolderIsLoggedAndCountedWhileTheServerStaysReadyAndIngestionResumesWhenSpaceReturns() throws Exception {
        Path mount = Files.createTempDirectory("promethium-full-");
        Assumptions.assumeTrue(mountTmpfs(mount), "cannot mount a tmpfs here (needs root): skipped, see DiskFullTest");
        try (ServerProcess server = ServerProcess.prepare()) {
            Path data = mount.resolve("data");
            server.config(CONFIG.formatted(server.port));
            server.start("--storage.tsdb.path=" + data).awaitReady();
            server.await(Duration.ofSeconds(30), () -> stored(server) >= 3, "three scrapes stored");

            Path filler = mount.resolve("filler");
            fill(filler);
            server.await(Duration.ofSeconds(30), () -> server.output().contains("failed: no space left on device"),
                    "the full disk logged");
            server.await(Duration.ofSeconds(30), () -> metric(server, "prometheus_tsdb_wal_writes_failed_total") >= 3,
                    "three failed WAL writes counted");
            assertThat(metric(server, "promethium_tsdb_out_of_space")).isEqualTo(1);
            assertThat(server.output()).as("logged once, however many writes failed")
                    .containsOnlyOnce("WAL write to " + data.resolve("wal"));
            assertThat(server.get("/-/ready").statusCode()).isEqualTo(200);
            long whileFull = stored(server);
            assertThat(whileFull).as("queries answer from what is stored").isPositive();

            Files.delete(filler);
            server.await(Duration.ofSeconds(30), () -> server.output().contains("succeeded again after"), "recovery logged");
            server.await(Duration.ofSeconds(30), () -> stored(server) >= whileFull + 3, "ingestion resumed");
            assertThat(metric(server, "promethium_tsdb_out_of_space")).isZero();
            long before = stored(server);

            server.signal("TERM");
            assertThat(server.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            server.start("--storage.tsdb.path=" + data).awaitReady();
            assertThat(stored(server)).as("every acknowledged sample after a restart").isGreaterThanOrEqualTo(before);
        } finally {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(mount);
        }
    }

    private static boolean mountTmpfs(Path at) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", at.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /** Writes until the file system refuses (ENOSPC). */
    private static void fill(Path filler) {
        byte[] mib = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1024; i++) {
                out.write(mib);
            }
            throw new AssertionError("a 256 MiB tmpfs took 1 GiB");
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("No space left on device");
        }
    }

    /** Samples of {@code up} stored over the last hour (the self-scrapes acknowledged). */
    private static long stored(ServerProcess server) {
        String q = URLEncoder.encode("count_over_time(up[1h])", StandardCharsets.UTF_8);
        String body = server.get("/api/v1/query?query=" + q).body();
        assertThat(body).startsWith("{\"status\":\"success\"");
        Matcher m = Pattern.compile("\"value\":\\[[0-9.]+,\"([0-9]+)\"]").matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static double metric(ServerProcess server, String name) {
        for (String line : server.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError(name + " not in /metrics");
    }
}
