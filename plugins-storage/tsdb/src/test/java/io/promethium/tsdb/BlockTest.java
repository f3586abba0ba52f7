package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static io.promethium.tsdb.TestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import io.promethium.tsdb.TestSupport.Sample;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockTest {
    static final long HOUR = 3_600_000L;
    static final long STEP = 60_000L;

    @TempDir
    Path dir;

    /** Appends {@code hours} of one-minute samples for a few series, starting at hour {@code from}. */
    private static void fill(Tsdb db, int fromHour, int hours) {
        for (long t = fromHour * HOUR; t < (long) (fromHour + hours) * HOUR; t += STEP) {
            Appender app = db.appender();
            for (int s = 0; s < 4; s++) {
                app.append(0, Labels.of("__name__", "node_load1", "instance", "host" + s, "job", "node"), t, (t / STEP) % 97 + s);
            }
            app.commit();
        }
    }

    private static void assertComplete(Tsdb db, long hours) {
        Map<Labels, List<Sample>> data = readAll(db);
        assertThat(data).hasSize(4);
        for (Map.Entry<Labels, List<Sample>> e : data.entrySet()) {
            int s = e.getKey().get("instance").charAt(4) - '0';
            List<Sample> samples = e.getValue();
            assertThat(samples).hasSize((int) (hours * HOUR / STEP));
            for (int i = 0; i < samples.size(); i++) {
                long t = i * STEP;
                assertThat(samples.get(i)).isEqualTo(new Sample(t, (t / STEP) % 97 + s));
            }
        }
    }

    @Test
    void headIsCutIntoBlocksAndQueriesSpanBlocksAndHeadSeamlessly() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, 7);
            db.compact();
            assertThat(db.blocks()).extracting(Tsdb.BlockInfo::minTime).containsExactly(0L, 2 * HOUR);
            assertThat(db.blocks().get(0).numSamples()).isEqualTo(4 * 120);
            assertComplete(db, 7);
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.blocks()).hasSize(2);
            assertComplete(db, 7);
        }
    }

    @Test
    void samplesPerChunkSetsHowManySamplesTheBlocksChunksHold() {
        long defaultChunks;
        try (Tsdb db = Tsdb.open(options(dir.resolve("default")))) {
            fill(db, 0, 7);
            db.compact();
            defaultChunks = db.blocks().get(0).numChunks();
        }
        try (Tsdb db = Tsdb.open(options(dir.resolve("thirty")).withSamplesPerChunk(30))) {
            fill(db, 0, 7);
            db.compact();
            Tsdb.BlockInfo block = db.blocks().get(0);
            // Each series' 120-sample runs become four chunks of 30 instead of one.
            assertThat(block.numChunks()).isEqualTo(4 * defaultChunks).isEqualTo(block.numSamples() / 30);
            assertComplete(db, 7);
        }
    }

    @Test
    void blocksAreCompactedIntoLargerOnesWhenTheirWindowIsComplete() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, 10);
            db.compact();
            List<Tsdb.BlockInfo> blocks = db.blocks();
            assertThat(blocks.get(0).minTime()).isZero();
            assertThat(blocks.get(0).maxTime()).isEqualTo(6 * HOUR);
            assertThat(blocks.get(0).level()).isEqualTo(2);
            assertThat(db.metrics().compactions.sum()).isGreaterThanOrEqualTo(5);
            assertComplete(db, 10);
        }
    }

    @Test
    void retentionByTimeDropsBlocksWhollyOlderThanTheWindow() {
        try (Tsdb db = Tsdb.open(options(dir).withRetention(Duration.ofHours(3)))) {
            fill(db, 0, 9);
            db.compact();
            assertThat(db.blocks()).allSatisfy(b -> assertThat(b.maxTime()).isGreaterThanOrEqualTo(9 * HOUR - 3 * HOUR));
            assertThat(db.metrics().retentionTimeDeletions.sum()).isPositive();
        }
    }

    @Test
    void retentionBySizeDropsOldestBlocksFirst() {
        try (Tsdb db = Tsdb.open(options(dir).withRetention(Duration.ZERO))) {
            fill(db, 0, 11);
            db.compact();
            List<Tsdb.BlockInfo> before = db.blocks();
            assertThat(before.size()).isGreaterThanOrEqualTo(2);
            long keep = before.get(before.size() - 1).sizeBytes();
            db.applyOptions(db.options().withRetentionBytes(keep + walSize()));
            db.compact();
            assertThat(db.blocks()).extracting(Tsdb.BlockInfo::ulid).containsExactly(before.get(before.size() - 1).ulid());
            assertThat(db.metrics().retentionSizeDeletions.sum()).isEqualTo(before.size() - 1);
            assertThat(Files.exists(dir.resolve(before.get(0).ulid()))).isFalse();
        }
    }

    private long walSize() {
        try (Stream<Path> s = Files.walk(dir.resolve("wal"))) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void deleteHidesSamplesInBlocksAndHeadAndCleanTombstonesRewritesBlocks() {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, 5);
            db.compact();
            assertThat(db.blocks()).hasSize(1);
            db.delete(List.of(Matcher.equal("instance", "host1")), HOUR, 3 * HOUR - 1);
            Map<Labels, List<Sample>> data = readAll(db);
            List<Sample> host1 = data.entrySet().stream().filter(e -> e.getKey().get("instance").equals("host1")).findFirst().orElseThrow().getValue();
            assertThat(host1).hasSize((int) (3 * HOUR / STEP));
            assertThat(host1).noneMatch(s -> s.t() >= HOUR && s.t() < 3 * HOUR);
            long samplesBefore = db.blocks().get(0).numSamples();
            db.cleanTombstones();
            assertThat(db.blocks().get(0).numSamples()).isEqualTo(samplesBefore - HOUR / STEP);
            assertThat(TestSupport.count(readAll(db))).isEqualTo(TestSupport.count(data));
        }
    }

    @Test
    void snapshotWithHeadIsAUsableDataDirectory() {
        Path snap = dir.resolve("snap");
        try (Tsdb db = Tsdb.open(options(dir.resolve("data")))) {
            fill(db, 0, 5);
            db.compact();
            db.snapshot(snap, true);
        }
        try (Tsdb copy = Tsdb.open(options(snap))) {
            assertThat(copy.blocks()).hasSize(2);
            assertComplete(copy, 5);
        }
    }

    @Test
    void blockWithTruncatedChunkFileIsSkippedAtOpenAndReported() throws IOException {
        String victim;
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, 7);
            db.compact();
            victim = db.blocks().get(0).ulid();
        }
        Path chunk = dir.resolve(victim).resolve("chunks").resolve("000001");
        try (FileChannel ch = FileChannel.open(chunk, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
        assertSetAsideAtOpen(victim, "chunk file");
    }

    /**
     * Opens the database over a broken block {@code victim}: it is renamed to
     * {@code <ulid>.corrupted}, counted, listed in the stats with why, and the rest is served; a
     * later open lists it again without loading or counting it.
     */
    private void assertSetAsideAtOpen(String victim, String why) {
        Path setAside = dir.resolve(victim + Tsdb.CORRUPTED_SUFFIX);
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.corruptBlocks()).singleElement().asString().startsWith(victim).contains(why);
            assertThat(dir.resolve(victim)).doesNotExist();
            assertThat(setAside).isDirectory();
            assertThat(db.stats().corruptBlocks()).singleElement().satisfies(c -> {
                assertThat(c.block()).isEqualTo(victim);
                assertThat(c.reason()).contains(why);
                assertThat(c.path()).isEqualTo(setAside.toString());
            });
            assertThat(db.blocks()).hasSize(1);
            assertThat(db.metrics().blocksCorrupt.sum()).isEqualTo(1);
            assertThat(TestSupport.count(readAll(db))).isEqualTo(4 * 5 * 60);
        }
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.stats().corruptBlocks()).singleElement().satisfies(c -> {
                assertThat(c.block()).isEqualTo(victim);
                assertThat(c.reason()).contains("earlier start");
            });
            assertThat(db.metrics().blocksCorrupt.sum()).isZero();
            assertThat(db.blocks()).hasSize(1);
            assertThat(TestSupport.count(readAll(db))).isEqualTo(4 * 5 * 60);
        }
    }

    @Test
    void blockWithMissingMetaIsSetAsideAtOpen() throws IOException {
        String victim = twoBlocks(0);
        Files.delete(dir.resolve(victim).resolve("meta.json"));
        assertSetAsideAtOpen(victim, "missing file " + dir.resolve(victim).resolve("meta.json"));
    }

    @Test
    void blockWithUnparsableMetaIsSetAsideAtOpen() throws IOException {
        String victim = twoBlocks(1);
        Path meta = dir.resolve(victim).resolve("meta.json");
        Files.writeString(meta, Files.readString(meta).substring(0, 40));
        assertSetAsideAtOpen(victim, "");
    }

    @Test
    void blockWithMissingChunkFileIsSetAsideAtOpen() throws IOException {
        String victim = twoBlocks(0);
        Files.delete(dir.resolve(victim).resolve("chunks").resolve("000001"));
        assertSetAsideAtOpen(victim, "missing file");
    }

    /** Writes 7 hours (two blocks and a head), returns the ulid of block {@code which}. */
    private String twoBlocks(int which) {
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, 7);
            db.compact();
            return db.blocks().get(which).ulid();
        }
    }

    @Test
    void blockWithCorruptIndexIsSkippedAtOpenAndReported() throws IOException {
        String victim;
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, 7);
            db.compact();
            victim = db.blocks().get(1).ulid();
        }
        Path index = dir.resolve(victim).resolve("index");
        Path biggest;
        try (Stream<Path> s = Files.list(index)) {
            biggest = s.max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(biggest);
        bytes[bytes.length / 2] ^= 0x11;
        Files.write(biggest, bytes);
        assertSetAsideAtOpen(victim, "");
    }

    @Test
    void flippedByteInAChunkIsDetectedTheBlockSkippedWithAWarningAndSetAsideAtTheNextStart() throws IOException {
        String victim;
        try (Tsdb db = Tsdb.open(options(dir))) {
            fill(db, 0, 7);
            db.compact();
            victim = db.blocks().get(0).ulid();
        }
        Path chunk = dir.resolve(victim).resolve("chunks").resolve("000001");
        byte[] bytes = Files.readAllBytes(chunk);
        bytes[20] ^= 0x40;
        Files.write(chunk, bytes);
        try (Tsdb db = Tsdb.open(options(dir))) {
            try (Querier q = db.querier(0, Long.MAX_VALUE)) {
                SeriesSet set = q.select(true, null, List.of(Matcher.equal("instance", "host0")));
                assertThat(set.next()).isTrue();
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    // drain until the corrupt chunk stops it
                }
                assertThat(it.error()).hasMessageStartingWith("block " + victim + ": corrupt chunk in ").hasMessageContaining("checksum mismatch");
            }
            Map<Labels, List<Sample>> rest;
            try (Querier q = db.querier(0, Long.MAX_VALUE)) {
                SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.REGEX, "instance", "host.*")));
                int n = 0;
                while (set.next()) {
                    n++;
                }
                assertThat(n).isEqualTo(4);
                assertThat(set.warnings()).singleElement().asString().contains(victim).contains("skipped");
            }
            rest = readAll(db);
            assertThat(TestSupport.count(rest)).isEqualTo(4 * 5 * 60);
            // Listed as not served, where it lies: found by a read, not set aside (nor counted as set aside).
            assertThat(db.stats().corruptBlocks()).singleElement().satisfies(c -> {
                assertThat(c.block()).isEqualTo(victim);
                assertThat(c.reason()).contains("checksum mismatch");
                assertThat(c.path()).isEqualTo(dir.resolve(victim).toString());
            });
            assertThat(dir.resolve(victim)).isDirectory();
            assertThat(db.metrics().blocksCorrupt.sum()).isZero();
            assertThat(dir.resolve(victim).resolve("corrupt")).content().contains("checksum mismatch");
        }
        // Opening a block reads no chunk: the note the read left makes the next start set it aside.
        try (Tsdb db = Tsdb.open(options(dir))) {
            assertThat(db.blocks()).extracting(b -> b.ulid()).doesNotContain(victim);
            assertThat(dir.resolve(victim + Tsdb.CORRUPTED_SUFFIX)).isDirectory();
            assertThat(db.metrics().blocksCorrupt.sum()).isEqualTo(1);
            assertThat(db.stats().corruptBlocks()).singleElement().satisfies(c -> {
                assertThat(c.reason()).startsWith("a read found it corrupt: ").contains("checksum mismatch");
                assertThat(c.path()).isEqualTo(dir.resolve(victim + Tsdb.CORRUPTED_SUFFIX).toString());
            });
            assertThat(TestSupport.count(readAll(db))).isEqualTo(4 * 5 * 60);
        }
    }

    @Test
    void outOfOrderSamplesForAPersistedRangeBecomeAnOverlappingBlockThatCompactionMerges() {
        try (Tsdb db = Tsdb.open(options(dir).withOutOfOrderWindow(Duration.ofHours(6)))) {
            fill(db, 0, 5);
            db.compact();
            assertThat(db.blocks()).hasSize(1);
            Labels host0 = Labels.of("__name__", "node_load1", "instance", "host0", "job", "node");
            Appender app = db.appender();
            app.append(0, host0, HOUR + 30_000, -1);
            app.commit();
            assertThat(db.metrics().outOfOrderAccepted.sum()).isEqualTo(1);
            List<Sample> before = readAll(db).get(host0);
            assertThat(before).contains(new Sample(HOUR + 30_000, -1)).hasSize(5 * 60 + 1);
            fill(db, 5, 4);
            db.compact();
            List<Sample> after = readAll(db).get(host0);
            assertThat(after).hasSize(9 * 60 + 1).contains(new Sample(HOUR + 30_000, -1));
            assertThat(after).isSortedAccordingTo((a, b) -> Long.compare(a.t(), b.t()));
            // The out-of-order block was merged with the block it overlaps, as Prometheus's vertical
            // compaction merges overlapping blocks before any other: no two blocks overlap any more.
            assertThat(db.blocks()).extracting(b -> b.minTime()).containsExactly(0L, 2 * HOUR, 4 * HOUR);
            assertThat(db.blocks()).extracting(b -> b.maxTime()).containsExactly(2 * HOUR, 4 * HOUR, 6 * HOUR);
        }
    }

    /**
     * A series spread over blocks, an overlapping out-of-order block, a deleted interval and the
     * head reads the same by runs (a decoded chunk copied at once, the merge handing each source's
     * run over) as one sample at a time, whatever the room and limit of each run.
     */
    @Test
    void runsOfFloatsAcrossBlocksTombstonesOverlapsAndHeadAreTheSamplesReadOneByOne() {
        try (Tsdb db = Tsdb.open(options(dir).withOutOfOrderWindow(Duration.ofHours(6)))) {
            fill(db, 0, 5);
            db.compact();
            Labels host0 = Labels.of("__name__", "node_load1", "instance", "host0", "job", "node");
            Appender app = db.appender();
            app.append(0, host0, HOUR + 30_000, -1);
            app.commit();
            db.delete(List.of(Matcher.equal("instance", "host1")), 2 * HOUR, 3 * HOUR - 1);
            fill(db, 5, 2);
            for (String instance : List.of("host0", "host1", "host2")) {
                List<String> oneByOne = new java.util.ArrayList<>();
                try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                    SeriesSet set = q.select(true, null, List.of(Matcher.equal("instance", instance)));
                    assertThat(set.next()).isTrue();
                    SampleIterator it = set.at().iterator(null);
                    while (it.next()) {
                        oneByOne.add(it.timestamp() + "=" + it.value());
                    }
                }
                for (int room : new int[] {1, 5, 119, 121, 4096}) {
                    List<String> runs = new java.util.ArrayList<>();
                    try (Querier q = db.querier(30 * STEP, 6 * HOUR)) {
                        SeriesSet set = q.select(true, null, List.of(Matcher.equal("instance", instance)));
                        assertThat(set.next()).isTrue();
                        SampleIterator it = set.at().iterator(null);
                        long[] ts = new long[room];
                        double[] vs = new double[room];
                        boolean has = it.next();
                        long limit = 0;
                        while (has) {
                            limit += 37 * STEP;
                            int r = it.readFloats(limit, ts, vs, 0, room);
                            int n = r < 0 ? ~r : r;
                            for (int i = 0; i < n; i++) {
                                runs.add(ts[i] + "=" + vs[i]);
                            }
                            has = r >= 0;
                        }
                        assertThat(it.error()).isNull();
                    }
                    List<String> expected = oneByOne.stream().filter(x -> {
                        long t = Long.parseLong(x.substring(0, x.indexOf('=')));
                        return t >= 30 * STEP && t <= 6 * HOUR;
                    }).toList();
                    assertThat(runs).as("%s in runs of at most %d", instance, room).containsExactlyElementsOf(expected);
                }
            }
        }
    }
}
