package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Damaged blocks on the tarball, one data folder and three starts. The first start scrapes itself
 * every second into one-second blocks until the folder holds five; after a clean stop four of
 * them are damaged: a chunk file cut in half, a byte flipped in the middle of the largest index
 * file, a {@code meta.json} cut to its first 40 characters, and, in the fourth, a byte flipped in
 * the middle of the first chunk's data (its length and the file's size intact, so only a read
 * finds it); four more each lose a file: {@code meta.json}, the chunk file, the index folder, the
 * largest file in the index folder.
 *
 * <p>The second start is ready and sets the first three and the four missing a file aside (a
 * missing file named as such): each folder is renamed
 * {@code <ulid>.corrupted}, logged ("is corrupt and was set aside as") with its path, counted in
 * {@code promethium_tsdb_blocks_set_aside_total} and {@code promethium_tsdb_blocks_corrupt}, and
 * listed under {@code corruptBlocks} in {@code /api/v1/status/tsdb}. The fourth opens (opening
 * checks sizes, headers, index checksums, not every chunk's), so the first query reading it
 * fails with 500 {@code internal} naming the block, the file and "checksum mismatch" rather than
 * answering the samples read before the bad chunk; the same query then answers from the
 * intact block and the head with a warning naming the skipped block, and holds no sample from
 * the time of any damaged block. The block is then counted by the gauge and listed in the status,
 * where it lies; the set-aside counter does not move. The read left a note in the folder, so a
 * third start sets that block aside too and the query answers without an error or a warning.
 */
class CorruptBlocksIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: self
                static_configs:
                  - targets: ["127.0.0.1:%d"]
            """;
    /**
     * One-second blocks, never merged (the largest block spans one), the head checked every
     * second: a block a second. Both starts use them, so no merge reads the damaged blocks before
     * the test's query does.
     */
    private static final String[] FLAGS = {"--storage.tsdb.min-block-duration=1s", "--storage.tsdb.max-block-duration=1s",
        "--storage.tsdb.fault.compaction-interval=1s"};
    /** Every series stored, raw: an instant query's matrix reads every chunk of the last hour. */
    private static final String ALL = "{__name__=~\".+\"}[1h]";

    /** A block folder's name and the time it covers, {@code [minTime, maxTime)}. */
    private record BlockSpan(String ulid, long minTime, long maxTime) {
        boolean covers(long t) {
            return t >= minTime && t < maxTime;
        }
    }

    @Test
    void damagedBlocksAreSetAsideAtStartAndAChunkFailingItsChecksumFailsTheQueryThenIsSkipped() throws Exception {
        try (ServerProcess server = ServerProcess.prepare()) {
            Path data = server.home.resolve("data");
            server.config(CONFIG.formatted(server.port));
            server.start(FLAGS).awaitReady();
            server.await(Duration.ofSeconds(60), () -> blockCount(data) >= 9, "nine blocks");
            server.signal("TERM");
            assertThat(server.process().waitFor(60, TimeUnit.SECONDS)).as("stopped by TERM").isTrue();

            List<BlockSpan> blocks = spans(data);
            BlockSpan truncatedChunks = blocks.get(0);
            BlockSpan badIndex = blocks.get(1);
            BlockSpan badMeta = blocks.get(2);
            BlockSpan flippedChunk = blocks.get(3);
            BlockSpan noMeta = blocks.get(4);
            BlockSpan noChunks = blocks.get(5);
            BlockSpan noIndex = blocks.get(6);
            BlockSpan noIndexFile = blocks.get(7);
            List<BlockSpan> intact = blocks.subList(8, blocks.size());
            truncateHalf(data.resolve(truncatedChunks.ulid()).resolve("chunks/000001"));
            flipByte(largest(data.resolve(badIndex.ulid()).resolve("index")), -1);
            Path meta = data.resolve(badMeta.ulid()).resolve("meta.json");
            Files.writeString(meta, Files.readString(meta).substring(0, 40));
            Path chunks = data.resolve(flippedChunk.ulid()).resolve("chunks/000001");
            flipByte(chunks, firstChunkDataMiddle(chunks));
            Files.delete(data.resolve(noMeta.ulid()).resolve("meta.json"));
            Files.delete(data.resolve(noChunks.ulid()).resolve("chunks/000001"));
            deleteTree(data.resolve(noIndex.ulid()).resolve("index"));
            Path lostIndexFile = largest(data.resolve(noIndexFile.ulid()).resolve("index"));
            Files.delete(lostIndexFile);

            server.start(FLAGS).awaitReady();
            List<BlockSpan> missing = List.of(noMeta, noChunks, noIndex, noIndexFile);
            List<BlockSpan> setAside = List.of(truncatedChunks, badIndex, badMeta, noMeta, noChunks, noIndex, noIndexFile);
            for (BlockSpan b : setAside) {
                assertThat(data.resolve(b.ulid())).doesNotExist();
                assertThat(data.resolve(b.ulid() + ".corrupted")).isDirectory();
                assertThat(server.output()).contains("block " + data.resolve(b.ulid()) + " is corrupt and was set aside as "
                        + data.resolve(b.ulid() + ".corrupted"));
            }
            assertThat(server.output()).containsPattern("block " + Pattern.quote(data.resolve(truncatedChunks.ulid()).toString())
                    + " is corrupt and was set aside as .*: chunk file .* is \\d+ bytes, meta.json says \\d+");
            // A missing file is named as such (the index folder not recreated empty by opening it).
            for (Path lost : List.of(data.resolve(noMeta.ulid()).resolve("meta.json"), data.resolve(noChunks.ulid()).resolve("chunks/000001"),
                    data.resolve(noIndex.ulid()).resolve("index"), lostIndexFile)) {
                String ulid = data.relativize(lost).getName(0).toString();
                assertThat(server.output()).contains("block " + data.resolve(ulid) + " is corrupt and was set aside as "
                        + data.resolve(ulid + ".corrupted") + " (not served; remove it or restore it from a backup): missing file " + lost);
            }
            assertThat(data.resolve(noIndex.ulid() + ".corrupted").resolve("index")).doesNotExist();
            assertThat(metric(server, "promethium_tsdb_blocks_set_aside_total")).isEqualTo(7);
            assertThat(metric(server, "promethium_tsdb_blocks_corrupt")).isEqualTo(7);
            List<JsonNode> listed = corruptBlocks(server);
            assertThat(listed).map(c -> c.path("block").asText())
                    .containsExactlyInAnyOrderElementsOf(setAside.stream().map(BlockSpan::ulid).toList());
            assertThat(listed).allSatisfy(c -> assertThat(c.path("path").asText())
                    .isEqualTo(data.resolve(c.path("block").asText() + ".corrupted").toString()));
            assertThat(data.resolve(flippedChunk.ulid())).as("opened: only a read finds a bad chunk").isDirectory();
            // /api/v1/status/tsdb/blocks lists the blocks loaded: the damaged chunk's (not yet read) and the intact ones.
            List<String> loaded = new ArrayList<>();
            JSON.readTree(server.get("/api/v1/status/tsdb/blocks").body()).at("/data/blocks").forEach(b -> loaded.add(b.path("ulid").asText()));
            assertThat(loaded).contains(flippedChunk.ulid()).containsAll(intact.stream().map(BlockSpan::ulid).toList())
                    .doesNotContainAnyElementsOf(setAside.stream().map(BlockSpan::ulid).toList());
            // The start replayed the WAL the first one wrote, to the segment it writes now.
            JsonNode replay = JSON.readTree(server.get("/api/v1/status/walreplay").body()).path("data");
            assertThat(replay.path("max").asInt()).isPositive();
            assertThat(replay.path("current").asInt()).isEqualTo(replay.path("max").asInt());

            // The first read of the flipped chunk: an error, not the samples read before it.
            HttpResponse<String> failed = query(server, ALL);
            assertThat(failed.statusCode()).as(head(failed.body())).isEqualTo(500);
            JsonNode error = JSON.readTree(failed.body());
            assertThat(error.path("errorType").asText()).isEqualTo("internal");
            assertThat(error.path("error").asText()).contains("block " + flippedChunk.ulid() + ": corrupt chunk in " + chunks)
                    .contains("checksum mismatch");
            assertThat(server.output()).contains("block " + data.resolve(flippedChunk.ulid()) + " is corrupt and will be skipped: ");

            // Then the block is skipped with a warning; the intact block and the head answer, nothing damaged does.
            HttpResponse<String> answered = query(server, ALL);
            assertThat(answered.statusCode()).as(head(answered.body())).isEqualTo(200);
            JsonNode answer = JSON.readTree(answered.body());
            assertThat(answer.path("warnings").toString()).contains("block " + flippedChunk.ulid() + " skipped: ");
            List<Long> times = sampleTimes(answer);
            List<BlockSpan> damaged = new ArrayList<>(setAside);
            damaged.add(flippedChunk);
            assertThat(times).as("samples from a damaged block's time").noneMatch(t -> damaged.stream().anyMatch(b -> b.covers(t)));
            for (BlockSpan b : intact) {
                assertThat(times).as("samples of intact block " + b.ulid()).anyMatch(b::covers);
            }
            long lastBlockEnd = blocks.stream().mapToLong(BlockSpan::maxTime).max().orElseThrow();
            assertThat(times).as("samples after the first start's last block (the head, and blocks cut from it since)")
                    .anyMatch(t -> t >= lastBlockEnd);

            assertThat(metric(server, "promethium_tsdb_blocks_corrupt")).isEqualTo(8);
            assertThat(metric(server, "promethium_tsdb_blocks_set_aside_total")).as("found by a read, not set aside").isEqualTo(7);
            assertThat(corruptBlocks(server)).anySatisfy(c -> {
                assertThat(c.path("block").asText()).isEqualTo(flippedChunk.ulid());
                assertThat(c.path("reason").asText()).contains("checksum mismatch");
                assertThat(c.path("path").asText()).isEqualTo(data.resolve(flippedChunk.ulid()).toString());
            });

            server.signal("TERM");
            assertThat(server.process().waitFor(60, TimeUnit.SECONDS)).as("stopped by TERM").isTrue();
            server.start(FLAGS).awaitReady();
            assertThat(data.resolve(flippedChunk.ulid() + ".corrupted")).as("set aside by the note the read left").isDirectory();
            assertThat(server.output()).containsPattern("block " + Pattern.quote(data.resolve(flippedChunk.ulid()).toString())
                    + " is corrupt and was set aside as .*: a read found it corrupt: .*checksum mismatch");
            HttpResponse<String> clean = query(server, ALL);
            assertThat(clean.statusCode()).as(head(clean.body())).isEqualTo(200);
            assertThat(JSON.readTree(clean.body()).path("warnings").toString()).doesNotContain(flippedChunk.ulid());
            assertThat(metric(server, "promethium_tsdb_blocks_corrupt")).isEqualTo(8);
        }
    }

    /** The start of an answer, for a failure message (a matrix of every series runs to ~100 kB). */
    private static String head(String body) {
        return body.length() <= 2_000 ? body : body.substring(0, 2_000) + "...";
    }

    private static HttpResponse<String> query(ServerProcess server, String promql) {
        return server.get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    /** Every sample timestamp (milliseconds) in a matrix answer. */
    private static List<Long> sampleTimes(JsonNode answer) {
        assertThat(answer.path("status").asText()).isEqualTo("success");
        List<Long> out = new ArrayList<>();
        for (JsonNode series : answer.at("/data/result")) {
            for (JsonNode sample : series.path("values")) {
                out.add(Math.round(sample.get(0).asDouble() * 1000));
            }
        }
        return out;
    }

    /** The {@code corruptBlocks} entries of {@code /api/v1/status/tsdb}. */
    private static List<JsonNode> corruptBlocks(ServerProcess server) throws IOException {
        HttpResponse<String> status = server.get("/api/v1/status/tsdb");
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(status.body()).at("/data/corruptBlocks").forEach(out::add);
        return out;
    }

    private static double metric(ServerProcess server, String name) {
        for (String line : server.get("/metrics").body().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError(name + " not in /metrics");
    }

    private static long blockCount(Path data) {
        try (Stream<Path> s = Files.list(data)) {
            return s.filter(CorruptBlocksIT::isBlock).count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Block folders (a ULID: 26 characters; renamed into place only once complete). */
    private static boolean isBlock(Path p) {
        return p.getFileName().toString().matches("[0-9A-HJKMNP-TV-Z]{26}");
    }

    /** The blocks in place, oldest data first. */
    private static List<BlockSpan> spans(Path data) throws IOException {
        List<BlockSpan> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(data)) {
            for (Path b : s.filter(CorruptBlocksIT::isBlock).toList()) {
                String meta = Files.readString(b.resolve("meta.json"));
                out.add(new BlockSpan(b.getFileName().toString(), field(meta, "minTime"), field(meta, "maxTime")));
            }
        }
        out.sort(Comparator.comparingLong(BlockSpan::minTime));
        return out;
    }

    private static long field(String meta, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\\s*(-?\\d+)").matcher(meta);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + meta);
        }
        return Long.parseLong(m.group(1));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void truncateHalf(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
    }

    private static Path largest(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.max(Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
    }

    /** Flips bits of the byte at {@code offset}, or of the middle byte for -1. */
    private static void flipByte(Path file, int offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int at = offset < 0 ? bytes.length / 2 : offset;
        bytes[at] ^= 0x5a;
        Files.write(file, bytes);
    }

    /**
     * The offset of the middle byte of the first chunk's data in a chunk file: after the file's
     * 8-byte header come the chunk's data length (a varint) and its encoding byte.
     */
    private static int firstChunkDataMiddle(Path chunkFile) throws IOException {
        byte[] bytes = Files.readAllBytes(chunkFile);
        int pos = 8;
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            int b = bytes[pos++] & 0xff;
            length |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        assertThat(length).as("first chunk's data length").isPositive();
        return pos + 1 + length / 2;
    }
}
