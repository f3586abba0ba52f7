package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.testsupport.Peers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The data folder on a small file system filled while the server scrapes itself and clients
 * remote-write, export OTLP and push to it: a 256 MiB {@code tmpfs} mounted by the test (it needs
 * root: elsewhere the test is skipped, and under {@code CI=true} it fails, as a missing peer does;
 * the TSDB's side is also covered at unit level by its {@code DiskFullTest}). Full: the failure is
 * logged once with "no space left on device" and counted, the server stays ready and answers
 * queries, the clients are told to retry; space back: ingestion resumes by itself; a restart
 * finds every sample acknowledged and none refused. The second test fills the disk under a head
 * cut and under the WAL checkpoint that follows it.
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
    /** Small blocks: the head is cut once it spans one and a half (6 s), as in {@code CompactionCrashIT}. */
    private static final String BLOCKS = "--storage.tsdb.min-block-duration=4s";
    /** A background compaction check every second rather than every minute, so the cut comes and is retried at once. */
    private static final String CHECK_OFTEN = "--storage.tsdb.fault.compaction-interval=1s";
    /** For the restart: no head cut nor merge for hours, so the blocks on disk stay as the test counts them. */
    private static final String NO_HEAD_CUT = "--storage.tsdb.min-block-duration=2h";
    private static final String NO_SPACE = "failed: no space left on device";

    /**
     * The first test's clients besides the self-scrape: the remote-write receiver, the OTLP
     * receiver and the push endpoint, each pushing a push group of {@value #CLIENT_SERIES} series
     * or a request of as many: a WAL write of that size cannot fit in what is left of the segment's
     * last page on the full tmpfs, so each is refused every time, however full the page.
     */
    private static final String[] CLIENTS = {"--web.enable-remote-write-receiver", "--web.enable-otlp-receiver",
        "--push.storage.interval=1s", "--push.persistence.interval=1s"};
    private static final int CLIENT_SERIES = 1000;

    /**
     * Full, the clients are told to retry or kept: a remote write is answered 500 (Prometheus's
     * answer, which its sender retries), an OTLP export 503 (the status OTLP senders retry; they
     * drop a batch answered 500), a push is accepted (200: the push endpoint keeps its groups in
     * memory and in its own persistence file) while its storage ticks and its file writes fail,
     * counted. Nothing refused is stored, then or after a restart (the WAL write was cut off
     * whole); the same requests sent again once space is back are stored; every push acknowledged,
     * before, during and after, is stored and restored after the restart.
     */
    @Test
    void aFullDataFolderIsLoggedAndCountedClientsAreToldToRetryAndIngestionResumesWhenSpaceReturns() throws Exception {
        Path mount = Files.createTempDirectory("promethium-full-");
        try {
            Peers.requireCapability(mountTmpfs(mount, "size=256m"), "cannot mount a tmpfs at " + mount
                    + " (needs root); the same behaviour is covered at unit level by DiskFullTest");
            try (ServerProcess server = ServerProcess.prepare()) {
                Path data = mount.resolve("data");
                List<String> flags = new ArrayList<>(List.of("--storage.tsdb.path=" + data));
                flags.addAll(List.of(CLIENTS));
                server.config(CONFIG.formatted(server.port));
                server.start(flags.toArray(String[]::new)).awaitReady();
                server.await(Duration.ofSeconds(30), () -> stored(server) >= 3, "three scrapes stored");
                long before = System.currentTimeMillis();
                assertThat(push(server, "before").statusCode()).isEqualTo(200);
                assertThat(remoteWrite(server, "before", before).statusCode()).isEqualTo(204);
                assertThat(otlp(server, "before", before).statusCode()).isEqualTo(200);
                server.await(Duration.ofSeconds(30), () -> samples(server, "disk_pushed{job=\"before\"}") > 0, "the push stored");

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

                // The clients while the disk is full.
                long during = System.currentTimeMillis();
                for (String phase : List.of("refused", "retried")) {
                    HttpResponse<String> rw = remoteWrite(server, phase, during);
                    assertThat(rw.statusCode()).as("remote write: %s", rw.body()).isEqualTo(500);
                    assertThat(rw.body()).containsIgnoringCase("no space left on device");
                    HttpResponse<String> otlp = otlp(server, phase, during);
                    assertThat(otlp.statusCode()).as("OTLP: %s", otlp.body()).isEqualTo(503);
                    assertThat(otlp.body()).containsIgnoringCase("no space left on device");
                }
                assertThat(push(server, "during").statusCode()).as("a push is kept in memory").isEqualTo(200);
                server.await(Duration.ofSeconds(30), () -> metric(server, "promethium_push_persist_failures_total") >= 1
                        && metric(server, "promethium_push_storage_rejected_samples_total") >= CLIENT_SERIES,
                        "the push file's write and the push's storage ticks failed, counted");
                assertThat(data.resolve("pushgateway.data.tmp")).as("the push file's failed write, removed").doesNotExist();
                assertThat(samples(server, "rw_disk{phase=~\"refused|retried\"}")).as("refused remote writes stored").isZero();
                assertThat(samples(server, "otlp_disk{phase=~\"refused|retried\"}")).as("refused OTLP exports stored").isZero();
                assertThat(samples(server, "disk_pushed{job=\"during\"}")).as("the push stored while full").isZero();

                Files.delete(filler);
                server.await(Duration.ofSeconds(30), () -> server.output().contains("succeeded again after"), "recovery logged");
                server.await(Duration.ofSeconds(30), () -> stored(server) >= whileFull + 3, "ingestion resumed");
                assertThat(metric(server, "promethium_tsdb_out_of_space")).isZero();
                // The senders retry: the same requests, now stored; the push kept meanwhile is stored and written to its file.
                assertThat(remoteWrite(server, "retried", during).statusCode()).isEqualTo(204);
                assertThat(otlp(server, "retried", during).statusCode()).isEqualTo(200);
                long after = System.currentTimeMillis();
                assertThat(push(server, "after").statusCode()).isEqualTo(200);
                assertThat(remoteWrite(server, "after", after).statusCode()).isEqualTo(204);
                assertThat(otlp(server, "after", after).statusCode()).isEqualTo(200);
                double persistFailures = metric(server, "promethium_push_persist_failures_total");
                // Each job on its own: two storage ticks of the push kept while full would make 2 × CLIENT_SERIES alone.
                server.await(Duration.ofSeconds(30), () -> samples(server, "disk_pushed{job=\"during\"}") >= CLIENT_SERIES
                        && samples(server, "disk_pushed{job=\"after\"}") >= CLIENT_SERIES
                        && metric(server, "promethium_push_last_persist_timestamp_seconds") * 1000 >= after,
                        "the pushes stored and written to the push file");
                assertThat(metric(server, "promethium_push_persist_failures_total")).isEqualTo(persistFailures);
                long scrapes = stored(server);

                server.signal("TERM");
                assertThat(server.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
                server.start(flags.toArray(String[]::new)).awaitReady();
                assertThat(stored(server)).as("every acknowledged scrape after a restart").isGreaterThanOrEqualTo(scrapes);
                for (String phase : List.of("before", "retried", "after")) {
                    assertThat(samples(server, "rw_disk{phase=\"" + phase + "\"}")).as("remote write %s", phase).isEqualTo(CLIENT_SERIES);
                    assertThat(samples(server, "otlp_disk{phase=\"" + phase + "\"}")).as("OTLP %s", phase).isEqualTo(CLIENT_SERIES);
                }
                assertThat(samples(server, "rw_disk{phase=\"refused\"}")).as("the refused remote write, never sent again").isZero();
                assertThat(samples(server, "otlp_disk{phase=\"refused\"}")).as("the refused OTLP export, never sent again").isZero();
                for (String job : List.of("before", "during", "after")) {
                    assertThat(samples(server, "disk_pushed{job=\"" + job + "\"}")).as("push %s stored", job).isGreaterThanOrEqualTo(CLIENT_SERIES);
                    assertThat(server.get("/api/v1/metrics").body()).as("push group %s restored", job).contains("\"job\":\"" + job + "\"");
                }
            }
        } finally {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(mount);
        }
    }

    /** Pushes a group of {@value #CLIENT_SERIES} series {@code disk_pushed{s}} for job {@code job} (text format, PUT). */
    private static HttpResponse<String> push(ServerProcess server, String job) {
        StringBuilder body = new StringBuilder("# TYPE disk_pushed gauge\n");
        for (int i = 0; i < CLIENT_SERIES; i++) {
            body.append("disk_pushed{s=\"").append(i).append("\"} 1\n");
        }
        return server.send(HttpRequest.newBuilder(server.uri("/metrics/job/" + job)).PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** Remote-writes {@code rw_disk{phase, s}}, {@value #CLIENT_SERIES} series, one sample each at {@code t}. */
    private static HttpResponse<String> remoteWrite(ServerProcess server, String phase, long t) throws Exception {
        List<RemoteWriteClient.TimeSeries> series = new ArrayList<>();
        for (int i = 0; i < CLIENT_SERIES; i++) {
            series.add(new RemoteWriteClient.TimeSeries(Map.of("__name__", "rw_disk", "phase", phase, "s", Integer.toString(i)),
                    new long[] {t}, new double[] {1}));
        }
        return RemoteWriteClient.send(server.uri("/api/v1/write"), series);
    }

    /** Exports {@code otlp.disk} (stored as {@code otlp_disk{job="disk", phase, s}}) by OTLP/HTTP JSON: {@value #CLIENT_SERIES} points at {@code t}. */
    private static HttpResponse<String> otlp(ServerProcess server, String phase, long t) {
        StringBuilder points = new StringBuilder();
        for (int i = 0; i < CLIENT_SERIES; i++) {
            points.append(i == 0 ? "" : ",").append("{\"timeUnixNano\":\"").append(t * 1_000_000).append("\",\"asDouble\":1,\"attributes\":[")
                    .append("{\"key\":\"phase\",\"value\":{\"stringValue\":\"").append(phase).append("\"}},")
                    .append("{\"key\":\"s\",\"value\":{\"stringValue\":\"").append(i).append("\"}}]}");
        }
        String body = """
                {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"disk"}}]},
                  "scopeMetrics":[{"scope":{"name":"it"},"metrics":[{"name":"otlp.disk","gauge":{"dataPoints":[POINTS]}}]}]}]}
                """.replace("POINTS", points);
        return server.send(HttpRequest.newBuilder(server.uri("/api/v1/otlp/v1/metrics")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** The samples of {@code selector} stored over the last hour, summed over its series; 0 when none. */
    private static long samples(ServerProcess server, String selector) {
        String q = URLEncoder.encode("sum(count_over_time(" + selector + "[1h]))", StandardCharsets.UTF_8);
        String body = server.get("/api/v1/query?query=" + q).body();
        assertThat(body).startsWith("{\"status\":\"success\"");
        Matcher m = Pattern.compile("\"value\":\\[[0-9.]+,\"([0-9]+)\"]").matcher(body);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /**
     * A full disk under a head cut and under the WAL checkpoint after it. The blocks and the WAL
     * lie on two tmpfs ({@code <data>/wal} a symbolic link to the second, as when the WAL is put on
     * a disk of its own), so each fills alone: were the WAL's disk full too, scrapes would be
     * refused, the head would stop growing and no cut would come. The blocks' tmpfs is filled with
     * bytes; the WAL's is filled with files, up to its inode limit ({@code nr_inodes}, the other
     * way a disk is full: ENOSPC too), which leaves the WAL appending to its open segment and
     * fails every new file, and one inode is given back: the segment the truncation starts takes
     * it, so the checkpoint after it, and nothing else, finds the disk full.
     *
     * <p>Full: the head cut fails, logged once and counted at each retry, no block is loaded, the
     * server stays ready, scrapes go on (the head keeps them). The blocks' space back: the cut
     * writes its blocks and the checkpoint fails in turn (logged, counted, no folder left). The
     * WAL's space back: a later compaction and checkpoint succeed by themselves. Stopped and started
     * again: no {@code .tmp} folder left, every block folder loaded and none corrupt, every sample
     * acknowledged served.
     */
    @Test
    void aCompactionAndACheckpointOnAFullDiskFailLoggedLeaveNoHalfWrittenFolderAndSucceedByThemselvesWhenSpaceReturns() throws Exception {
        Path blocksDisk = Files.createTempDirectory("promethium-full-blocks-");
        Path walDisk = Files.createTempDirectory("promethium-full-wal-");
        try {
            Peers.requireCapability(mountTmpfs(blocksDisk, "size=16m") && mountTmpfs(walDisk, "size=64m,nr_inodes=256"),
                    "cannot mount a tmpfs at " + blocksDisk + " and " + walDisk + " (needs root); see DiskFullTest");
            try (ServerProcess server = ServerProcess.prepare()) {
                Path data = Files.createDirectories(blocksDisk.resolve("data"));
                Path wal = Files.createSymbolicLink(data.resolve("wal"), Files.createDirectories(walDisk.resolve("wal")));
                server.config(CONFIG.formatted(server.port));
                server.start("--storage.tsdb.path=" + data, BLOCKS, CHECK_OFTEN).awaitReady();

                // 1. Both disks full before the head spans the 6 s that cut it.
                List<Path> inodes = fillInodes(walDisk.resolve("inodes"));
                Files.delete(inodes.remove(inodes.size() - 1));
                Path filler = blocksDisk.resolve("filler");
                fill(filler);
                assertThat(blocks(data)).as("no head cut before the disks were full").isEmpty();
                server.await(Duration.ofSeconds(60), () -> logged(server, "compaction in " + data + " " + NO_SPACE),
                        "the failed head cut logged");
                long whileFull = stored(server);
                server.await(Duration.ofSeconds(30), () -> metric(server, "prometheus_tsdb_compactions_failed_total") >= 2
                        && stored(server) >= whileFull + 2, "the cut retried and counted while scrapes are stored");
                assertThat(server.output()).as("logged once, however often retried").containsOnlyOnce("compaction in " + data + " failed");
                assertThat(metric(server, "promethium_tsdb_out_of_space")).isEqualTo(1);
                assertThat(metric(server, "promethium_tsdb_writes_failing{area=\"compaction\"}")).isEqualTo(1);
                assertThat(metric(server, "prometheus_tsdb_wal_writes_failed_total")).as("the WAL's disk has room").isZero();
                assertThat(metric(server, "prometheus_tsdb_blocks_loaded")).isZero();
                assertThat(blocks(data)).as("no block in place").isEmpty();
                assertThat(server.get("/-/ready").statusCode()).isEqualTo(200);

                // 2. The blocks' space back: the cut writes its blocks, then its checkpoint finds the WAL's disk full.
                Files.delete(filler);
                server.await(Duration.ofSeconds(30), () -> logged(server, "WAL checkpoint to " + wal.resolve("checkpoint."), NO_SPACE),
                        "the failed checkpoint logged");
                assertThat(metric(server, "prometheus_tsdb_checkpoint_creations_failed_total")).isGreaterThanOrEqualTo(1);
                assertThat(blocks(data)).as("the head cut written").isNotEmpty();
                assertThat(leftovers(wal)).as("the failed checkpoint's folder").isEmpty();
                assertThat(server.get("/-/ready").statusCode()).isEqualTo(200);
                assertThat(stored(server)).as("queries answer").isGreaterThan(whileFull);

                // 3. The WAL's space back: a later compaction and checkpoint succeed, without a restart.
                for (Path p : inodes) {
                    Files.delete(p);
                }
                server.await(Duration.ofSeconds(30), () -> logged(server, "compaction in " + data + " succeeded again after"),
                        "a later compaction succeeded");
                server.await(Duration.ofSeconds(30), () -> logged(server, "WAL checkpoint to " + wal.resolve("checkpoint."),
                        "succeeded again after"), "a later checkpoint succeeded");
                assertThat(metric(server, "promethium_tsdb_out_of_space")).isZero();
                long before = stored(server);

                server.signal("TERM");
                assertThat(server.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(leftovers(data)).as("half-written blocks left").isEmpty();
                assertThat(leftovers(wal)).as("half-written checkpoints left").isEmpty();
                List<Path> written = blocks(data);
                server.start("--storage.tsdb.path=" + data, NO_HEAD_CUT).awaitReady();
                assertThat(metric(server, "prometheus_tsdb_blocks_loaded")).as("every block folder loaded").isEqualTo(written.size());
                assertThat(server.get("/api/v1/status/tsdb").body()).doesNotContain("corruptBlocks");
                assertThat(server.output()).doesNotContain("is corrupt").doesNotContain("left by an interrupted write");
                assertThat(stored(server)).as("every acknowledged sample after a restart").isGreaterThanOrEqualTo(before);
            }
        } finally {
            for (Path mount : List.of(blocksDisk, walDisk)) {
                new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
                Files.deleteIfExists(mount);
            }
        }
    }

    /** Whether one line of the server's log holds every part. */
    private static boolean logged(ServerProcess server, String... parts) {
        return server.output().lines().anyMatch(line -> Stream.of(parts).allMatch(line::contains));
    }

    /** Creates empty files until the file system has no inode left (ENOSPC); returns them. */
    private static List<Path> fillInodes(Path folder) throws IOException {
        Files.createDirectories(folder);
        List<Path> made = new ArrayList<>();
        try {
            for (int i = 0; i < 100_000; i++) {
                made.add(Files.createFile(folder.resolve("f" + i)));
            }
            throw new AssertionError("a tmpfs of 256 inodes took 100,000 files");
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("No space left on device");
        }
        return made;
    }

    /** Folders an interrupted or failed write leaves: names ending in .tmp. */
    private static List<String> leftovers(Path in) throws IOException {
        try (Stream<Path> s = Files.list(in)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp")).toList();
        }
    }

    /** Block folders (a ULID: 26 characters). */
    private static List<Path> blocks(Path data) throws IOException {
        try (Stream<Path> s = Files.list(data)) {
            return s.filter(p -> p.getFileName().toString().matches("[0-9A-HJKMNP-TV-Z]{26}")).sorted().toList();
        }
    }

    private static boolean mountTmpfs(Path at, String options) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", at.toString())
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
            throw new AssertionError("a tmpfs of at most 256 MiB took 1 GiB");
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
