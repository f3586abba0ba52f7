package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the server while the TSDB writes, at the two moments a crash leaves a
 * complete-looking folder that must never be loaded: a WAL checkpoint written but not renamed
 * into place (the blocks of its head cut already are), and a block a compaction merge wrote but
 * did not rename (here the rewrite {@code clean_tombstones} runs, the compactor's merge of one
 * block), and, in a test of its own, a merge the compaction planner chose by itself. Each restart on
 * the same data folder removes the leftover folder (logged), serves every sample acknowledged
 * before the kill, keeps deleted samples deleted, and is ready.
 *
 * <p>The crash lands inside the write every time: {@code --storage.tsdb.fault.pause-before-rename}
 * holds the written folder before its rename, logging it, and the test kills the server once the
 * log says so. Killing at random moments instead would hit a small compaction's last
 * milliseconds only now and then, and each miss costs a server start (the CI budget).
 */
class CompactionCrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: self
                static_configs:
                  - targets: ["127.0.0.1:%d"]
            """;
    /** Small blocks: the head is cut once it spans one and a half (6 s). */
    private static final String BLOCKS = "--storage.tsdb.min-block-duration=4s";
    /**
     * For the start that holds the block rewrite: Prometheus's two-hour blocks, so no head cut
     * (which a commit queues once the head spans 6 s of 4 s blocks) is the write held in place of
     * the rewrite, with the deletion waiting behind it.
     */
    private static final String NO_HEAD_CUT = "--storage.tsdb.min-block-duration=2h";
    /**
     * For the head cut only: a background check every second rather than Prometheus's minute, so
     * the cut comes once the head spans 6 s. The later starts keep the minute, so no background cut
     * is held in place of the block rewrite the test asks for.
     */
    private static final String CHECK_OFTEN = "--storage.tsdb.fault.compaction-interval=1s";
    private static final String PAUSE = "--storage.tsdb.fault.pause-before-rename=";
    /** Samples counted as acknowledged: all the self-scrape's but {@code up}'s, which the test deletes in part. */
    private static final String KEPT = "{job=\"self\",__name__!=\"up\"}[1h]";

    @Test
    void aKillNineInsideACheckpointOrABlockWriteLoadsNoHalfWrittenFolderAndLosesNoAcknowledgedSample() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            Path data = server.home.resolve("data");
            server.config(CONFIG.formatted(server.port));

            // 1. A head cut: its blocks are renamed into place, the WAL checkpoint after them is held.
            server.start(BLOCKS, CHECK_OFTEN, PAUSE + "checkpoint").awaitReady();
            server.await(Duration.ofSeconds(120), () -> server.output().contains("pause-before-rename): checkpoint "),
                    "the checkpoint held before its rename");
            long t1 = System.currentTimeMillis();
            long acked1 = count(server, KEPT, t1);
            assertThat(acked1).isPositive();
            kill(server);
            List<String> checkpoint = leftovers(data.resolve("wal"));
            assertThat(checkpoint).as("the checkpoint folder the kill left").singleElement()
                    .satisfies(n -> assertThat(n).startsWith("checkpoint."));
            List<Path> blocks = blocks(data);
            assertThat(blocks).as("blocks of the head cut").isNotEmpty();

            // 2. Restart: the checkpoint folder is gone, nothing acknowledged is lost; then a block rewrite is held.
            server.start(NO_HEAD_CUT, PAUSE + "block", "--web.enable-admin-api").awaitReady();
            assertThat(server.output()).contains("removing " + data.resolve("wal").resolve(checkpoint.get(0)) + ", left by an interrupted write");
            // Only the kill's leftover must be gone: a head compaction the first commits queue may be writing a new one.
            assertThat(leftovers(data.resolve("wal"))).doesNotContain(checkpoint.get(0));
            assertThat(count(server, KEPT, t1)).as("acknowledged before the first kill").isGreaterThanOrEqualTo(acked1);

            long deletedUntil = maxTime(blocks.get(0)) - 1;
            assertThat(count(server, "up{job=\"self\"}[1h]", deletedUntil)).as("samples to delete").isPositive();
            var deleted = server.send(HttpRequest.newBuilder(server.uri("/api/v1/admin/tsdb/delete_series?match[]="
                    + URLEncoder.encode("up{job=\"self\"}", StandardCharsets.UTF_8) + "&end=" + seconds(deletedUntil)))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
            // Held before its rename: the request never answers; the kill ends it.
            CompletableFuture<?> rewrite = CompletableFuture.runAsync(() -> server.post("/api/v1/admin/tsdb/clean_tombstones"));
            server.await(Duration.ofSeconds(60), () -> server.output().contains("pause-before-rename): block "),
                    "the rewritten block held before its rename");
            long t2 = System.currentTimeMillis();
            long acked2 = count(server, KEPT, t2);
            kill(server);
            rewrite.handle((ok, failed) -> null).get(30, TimeUnit.SECONDS);
            List<String> block = leftovers(data);
            assertThat(block).as("the block folder the kill left").singleElement()
                    .satisfies(n -> assertThat(data.resolve(n).resolve("meta.json")).as("complete but for the rename").exists());

            // 3. Restart: the block folder is gone, the original block (with its tombstones) serves.
            server.start(BLOCKS).awaitReady();
            assertThat(server.output()).contains("removing " + data.resolve(block.get(0)) + ", left by an interrupted write");
            assertThat(leftovers(data)).doesNotContain(block.get(0));
            assertThat(count(server, KEPT, t2)).as("acknowledged before the second kill").isGreaterThanOrEqualTo(acked2);
            assertThat(count(server, "up{job=\"self\"}[1h]", deletedUntil)).as("deleted samples stay deleted").isZero();
            assertThat(server.get("/api/v1/status/tsdb").body()).doesNotContain(".corrupted");
        }
    }

    /** One-second blocks for the first start: a head cut whenever the head spans 1.5 s. */
    private static final String SECOND_BLOCKS = "--storage.tsdb.min-block-duration=1s";
    /** No merges in the first start: the largest block may span one block (no compaction range fits). */
    private static final String NO_MERGES = "--storage.tsdb.max-block-duration=1s";
    /**
     * Two-second blocks for the later starts: the planner merges into 6 s windows, and the head
     * (at most ~2.5 s after the first start's cuts, no longer scraped) never spans the 3 s that
     * would cut it first, so the first background check runs the planner's merge.
     */
    private static final String TWO_SECOND_BLOCKS = "--storage.tsdb.min-block-duration=2s";
    private static final long MERGE_WINDOW_MILLIS = 6_000;
    private static final String ALL_SELF = "{job=\"self\"}[1h]";

    /**
     * {@code kill -9} inside a merge the compaction planner chose (not one asked for through the
     * admin API): the first start only cuts the head into one-second blocks until two of them
     * share a 6 s window the planner would merge ({@link #mergeable}); the second start,
     * scraping nothing, merges them by itself (the background check every second) and is killed
     * while the merged block waits for its rename; the third start removes that folder, serves
     * exactly the samples it served before the kill, then makes the merge again and still serves
     * each sample once.
     */
    @Test
    void aKillNineInsideAMergeThePlannerChoseLoadsNoHalfMergedBlockAndLosesNothing() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            Path data = server.home.resolve("data");
            server.config(CONFIG.formatted(server.port));
            server.start(SECOND_BLOCKS, NO_MERGES, CHECK_OFTEN).awaitReady();
            server.await(Duration.ofSeconds(60), () -> mergeable(data),
                    "one-second blocks in a 6 s window the planner would merge");
            kill(server);
            List<Path> cut = blocks(data);

            server.config("global:\n  scrape_interval: 1s\n");
            server.start(TWO_SECOND_BLOCKS, CHECK_OFTEN, PAUSE + "block").awaitReady();
            server.await(Duration.ofSeconds(60), () -> server.output().contains("pause-before-rename): block "),
                    "the planner's merge held before its rename");
            long t = System.currentTimeMillis();
            long acked = count(server, ALL_SELF, t);
            assertThat(acked).isPositive();
            kill(server);
            List<String> held = leftovers(data);
            assertThat(held).as("the merged block folder the kill left").singleElement();
            String meta = Files.readString(data.resolve(held.get(0)).resolve("meta.json"));
            assertThat(level(meta)).as("a merge (compaction level), not a head cut: " + meta).isGreaterThanOrEqualTo(2);
            assertThat(blocks(data)).as("the blocks it merged, still in place").isEqualTo(cut);

            server.start(TWO_SECOND_BLOCKS, CHECK_OFTEN).awaitReady();
            assertThat(server.output()).contains("removing " + data.resolve(held.get(0)) + ", left by an interrupted write");
            assertThat(count(server, ALL_SELF, t)).as("samples served after the restart").isEqualTo(acked);
            server.await(Duration.ofSeconds(60), () -> highestLevel(data) >= 2, "the merge made again");
            assertThat(leftovers(data)).doesNotContain(held.get(0));
            assertThat(count(server, ALL_SELF, t)).as("samples served once each after the merge").isEqualTo(acked);
            assertThat(server.get("/api/v1/status/tsdb").body()).doesNotContain(".corrupted");
        }
    }

    /**
     * Whether the planner would merge blocks in a 6 s window, by Prometheus's rule: leaving the
     * newest block (by start) out, two or more blocks lie in one window the head has passed
     * (it ends before the newest block does) and either span it or end by the start of the
     * newest block left in.
     */
    private static boolean mergeable(Path data) {
        try {
            List<long[]> spans = new java.util.ArrayList<>();
            for (Path b : blocks(data)) {
                String meta = Files.readString(b.resolve("meta.json"));
                spans.add(new long[] {field(meta, "minTime"), field(meta, "maxTime")});
            }
            if (spans.size() < 3) {
                return false;
            }
            spans.sort(java.util.Comparator.comparingLong(s -> s[0]));
            long newest = spans.stream().mapToLong(s -> s[1]).max().getAsLong();
            List<long[]> candidates = spans.subList(0, spans.size() - 1);
            long highTime = candidates.get(candidates.size() - 1)[0];
            return candidates.stream()
                    .collect(java.util.stream.Collectors.groupingBy(s -> Math.floorDiv(s[0], MERGE_WINDOW_MILLIS)))
                    .entrySet().stream().anyMatch(w -> {
                        long end = (w.getKey() + 1) * MERGE_WINDOW_MILLIS;
                        List<long[]> inside = w.getValue().stream().filter(s -> s[1] <= end).toList();
                        return end <= newest && inside.size() >= 2 && (inside.get(inside.size() - 1)[1]
                                - inside.get(0)[0] == MERGE_WINDOW_MILLIS || inside.get(inside.size() - 1)[1] <= highTime);
                    });
        } catch (IOException e) {
            return false; // a block being written: look again
        }
    }

    /** The highest compaction level among the blocks in place; 0 while none can be read. */
    private static int highestLevel(Path data) {
        int highest = 0;
        try {
            for (Path b : blocks(data)) {
                highest = Math.max(highest, level(Files.readString(b.resolve("meta.json"))));
            }
        } catch (IOException e) {
            // a block being renamed or deleted: look again
        }
        return highest;
    }

    private static int level(String meta) {
        Matcher m = Pattern.compile("\"level\":\\s*(\\d+)").matcher(meta);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static long field(String meta, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\s*(-?\\d+)").matcher(meta);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + meta);
        }
        return Long.parseLong(m.group(1));
    }

    private static void kill(ServerProcess server) throws IOException, InterruptedException {
        server.signal("KILL");
        assertThat(server.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Folders an interrupted write leaves: names ending in .tmp. */
    private static List<String> leftovers(Path in) throws IOException {
        try (Stream<Path> s = Files.list(in)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
        }
    }

    /** Block folders (a ULID: 26 characters), oldest first (ULIDs sort by creation). */
    private static List<Path> blocks(Path data) throws IOException {
        try (Stream<Path> s = Files.list(data)) {
            return s.filter(p -> p.getFileName().toString().matches("[0-9A-HJKMNP-TV-Z]{26}")).sorted().toList();
        }
    }

    private static long maxTime(Path block) throws IOException {
        Matcher m = Pattern.compile("\"maxTime\":\\s*(\\d+)").matcher(Files.readString(block.resolve("meta.json")));
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static String seconds(long millis) {
        return millis / 1000 + "." + String.format("%03d", millis % 1000);
    }

    /** The samples a range selector finds at {@code atMillis}, over all its series. */
    private static long count(ServerProcess server, String selector, long atMillis) throws IOException {
        String body = server.get("/api/v1/query?query=" + URLEncoder.encode(selector, StandardCharsets.UTF_8) + "&time=" + seconds(atMillis))
                .body();
        JsonNode answer = JSON.readTree(body);
        assertThat(answer.path("status").asText()).as(body).isEqualTo("success");
        long n = 0;
        for (JsonNode series : answer.at("/data/result")) {
            n += series.path("values").size();
        }
        return n;
    }
}
