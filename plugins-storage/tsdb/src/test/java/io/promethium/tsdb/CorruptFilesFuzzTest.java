package io.promethium.tsdb;

import static io.promethium.tsdb.TestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import io.promethium.testsupport.FuzzRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data folder written by the database itself with one of its files damaged at random (bytes
 * flipped, zeroed, inserted, or the file cut short) must open (a broken WAL is truncated, a broken
 * block set aside) and answer a query over everything within a deadline, and what it answers is
 * checked against what was written, sample by sample: never wrong data.
 *
 * <p>The folder: four series over ten hours; the first seven (a sample a minute) written and
 * compacted into two 2-hour blocks ({@code [0, 4h)}) with the head's {@code [4h, 7h)} folded into a
 * WAL checkpoint, the last three (a sample every 5 s) written after it into WAL segments of 64 KiB,
 * several. The oracle:
 * <ul>
 * <li>always: every series answered is one that was written, once; every sample answered has a
 *     written timestamp and exactly the value written there (bit for bit), in increasing time; an
 *     error (of a series' samples or of the query) names its block ({@code block ...});
 * <li>a block file damaged, no error: the WAL's samples ({@code [4h, 10h)}) and the other block's
 *     are all there, the damaged block's are a subset (the block set aside answers none);
 * <li>a WAL file damaged: both blocks' samples are all there; of what the WAL held, what replays
 *     is a prefix in the order written. A damaged segment keeps the checkpoint whole and a prefix
 *     of the segments' samples (replay truncates at the damage, later segments go); only a cut
 *     falling exactly between two records of a segment before the last goes unseen, as a segment
 *     that ended when its process stopped (Prometheus's reader is no wiser), so there the
 *     segments after it follow, whole: a prefix, one gap, the rest. A damaged checkpoint keeps a
 *     prefix of its samples and, of the segments', those of every series whose series record
 *     (written first in the checkpoint) survived, all of them.
 * </ul>
 * Outside CI the seed varies from run to run and is printed first; {@code -Dtsdb.corrupt.fuzz.seed=N}
 * replays a run, {@code -Dtsdb.corrupt.fuzz.millis=N} runs longer (the module's README).
 */
class CorruptFilesFuzzTest {

    private static final long HOUR = 3_600_000L;
    /** One sample a minute up to {@link #COMPACTED_END}, then every {@link #SEGMENT_STEP}: enough records for several WAL segments. */
    private static final long STEP = 60_000L;
    private static final long SEGMENT_STEP = 5_000L;
    private static final int SERIES = 4;
    /** Written and compacted: blocks up to {@link #BLOCKS_END}, the rest into the WAL checkpoint. */
    private static final long COMPACTED_END = 7 * HOUR;
    private static final long BLOCKS_END = 4 * HOUR;
    /** Written after the compaction, into WAL segments. */
    private static final long END = 10 * HOUR;
    /** Opening and reading back a small folder takes well under a second; the rest is margin for a loaded machine. */
    private static final long DEADLINE_MILLIS = 60_000;
    /**
     * Under CI: about 80 ms a folder (copy, damage, open, replay, read, check), so 40 folders cost
     * about 3 s on an idle core.
     */
    private static final int CI_ITERATIONS = 40;

    @TempDir
    Path dir;

    /** What a damaged file is: which oracle applies. */
    private enum Victim {
        BLOCK, CHECKPOINT, SEGMENT
    }

    /** What was read back: the series in order, each with its samples, and the errors met. */
    private record Answer(List<Labels> labels, List<long[]> times, List<double[]> values, List<String> errors) {
    }

    @Test
    void damagedWalOrBlockFilesOpenAndAnswerOnlySamplesThatWereWritten() throws Exception {
        Path pristine = dir.resolve("pristine");
        List<TsdbBlockInfo> blocks = write(pristine);
        assertThat(blocks).as("blocks of the pristine folder").extracting(TsdbBlockInfo::minTime).containsExactly(0L, 2 * HOUR);
        Path undamaged = dir.resolve("undamaged");
        copy(pristine, undamaged);
        assertThat(check(read(undamaged), null, null, blocks)).as("the folder undamaged answers every sample").isEmpty();
        delete(undamaged);
        List<Path> files = victims(pristine);
        List<Path> wal = files.stream().filter(f -> f.startsWith("wal")).toList();
        List<Path> blockFiles = files.stream().filter(f -> !f.startsWith("wal")).toList();
        assertThat(wal).anyMatch(f -> f.toString().contains("checkpoint")).filteredOn(f -> !f.toString().contains("checkpoint"))
                .as("WAL segments after the checkpoint").hasSizeGreaterThanOrEqualTo(2);
        assertThat(blockFiles).anyMatch(f -> f.endsWith("meta.json")).anyMatch(f -> f.toString().contains("chunks"))
                .anyMatch(f -> f.toString().contains("index"));

        FuzzRun run = FuzzRun.configureVaryingSeed("tsdb.corrupt.fuzz", 20_261_123L, CI_ITERATIONS, Duration.ofSeconds(6));
        Random random = new Random(run.seed());
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tsdb-corrupt-fuzz");
            t.setDaemon(true);
            return t;
        });
        List<String> problems = new ArrayList<>();
        int[] errors = new int[1];
        run.start();
        int done = 0;
        try {
            for (; run.proceed(done) && problems.size() < 5; done++) {
                Path copy = dir.resolve("run" + done);
                copy(pristine, copy);
                // Half the runs damage the WAL (segments, checkpoint), half a block's file.
                List<Path> among = random.nextBoolean() ? wal : blockFiles;
                Path victim = among.get(random.nextInt(among.size()));
                String what = "iteration " + done + ": " + victim + " " + damage(copy.resolve(victim), random);
                Future<Answer> result = worker.submit(() -> read(copy));
                try {
                    Answer answer = result.get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
                    errors[0] += answer.errors().isEmpty() ? 0 : 1;
                    for (String p : check(answer, kind(victim), victim, blocks)) {
                        problems.add(what + ": " + p);
                    }
                } catch (TimeoutException e) {
                    problems.add("no answer within " + DEADLINE_MILLIS + " ms: " + what);
                    break;
                } catch (ExecutionException e) {
                    problems.add(what + ": " + e.getCause());
                    e.getCause().printStackTrace();
                }
                delete(copy);
            }
        } finally {
            worker.shutdownNow();
        }
        System.out.printf("tsdb corrupt files fuzz: %s, %d answers with a read error%n", run.summary(done), errors[0]);
        assertThat(problems).as("replay with -Dtsdb.corrupt.fuzz.seed=%d", run.seed()).isEmpty();
    }

    /** A block's name and time range, as the pristine folder holds it. */
    private record TsdbBlockInfo(String ulid, long minTime, long maxTime) {
    }

    /** Writes the pristine folder; returns its blocks. */
    private static List<TsdbBlockInfo> write(Path data) {
        List<TsdbBlockInfo> blocks = new ArrayList<>();
        try (Tsdb db = Tsdb.open(options(data).withWalSegmentBytes(64 << 10))) {
            append(db, 0, COMPACTED_END);
            db.compact();
            for (Tsdb.BlockInfo b : db.blocks()) {
                blocks.add(new TsdbBlockInfo(b.ulid(), b.minTime(), b.maxTime()));
            }
            append(db, COMPACTED_END, END);
        }
        return blocks;
    }

    private static void append(Tsdb db, long from, long to) {
        for (long t = from; t < to; t += step(t)) {
            Appender app = db.appender();
            for (int s = 0; s < SERIES; s++) {
                app.append(0, labels(s), t, value(s, t));
            }
            app.commit();
        }
    }

    private static Labels labels(int series) {
        return Labels.of("__name__", "node_load1", "instance", "host" + series, "job", "node");
    }

    private static double value(int series, long t) {
        return (t / SEGMENT_STEP) % 97 + series + 0.25;
    }

    /** The interval of the samples written from {@code t} on. */
    private static long step(long t) {
        return t < COMPACTED_END ? STEP : SEGMENT_STEP;
    }

    /** How many samples a series has in {@code [from, to)}, where both are on the grid. */
    private static int written(long from, long to) {
        int n = 0;
        for (long t = from; t < to; t += step(t)) {
            n++;
        }
        return n;
    }

    private static Victim kind(Path victim) {
        if (!victim.startsWith("wal")) {
            return Victim.BLOCK;
        }
        return victim.toString().contains("checkpoint") ? Victim.CHECKPOINT : Victim.SEGMENT;
    }

    /** Opens the folder and reads every sample of every series, with the errors met. */
    private static Answer read(Path data) {
        List<Labels> labels = new ArrayList<>();
        List<long[]> times = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try (Tsdb db = Tsdb.open(options(data)); Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.REGEX, "__name__", ".+")));
            SampleIterator it = null;
            while (set.next()) {
                it = set.at().iterator(it);
                long[] t = new long[16];
                double[] v = new double[16];
                int n = 0;
                while (it.next()) {
                    if (n == t.length) {
                        t = Arrays.copyOf(t, n * 2);
                        v = Arrays.copyOf(v, n * 2);
                    }
                    t[n] = it.timestamp();
                    v[n++] = it.value();
                }
                labels.add(set.at().labels());
                times.add(Arrays.copyOf(t, n));
                values.add(Arrays.copyOf(v, n));
                if (it.error() != null) {
                    errors.add(String.valueOf(it.error().getMessage()));
                }
            }
            if (set.error() != null) {
                errors.add(String.valueOf(set.error().getMessage()));
            }
        }
        return new Answer(labels, times, values, errors);
    }

    /**
     * What is wrong with an answer; empty when it holds (the class javadoc). {@code victim} null
     * for the pristine folder: everything must be there.
     */
    private static List<String> check(Answer answer, Victim victim, Path file, List<TsdbBlockInfo> blocks) {
        List<String> problems = new ArrayList<>();
        for (String e : answer.errors()) {
            if (!e.startsWith("block ")) {
                problems.add("an error that does not name its block: " + e);
            }
        }
        // present[s] holds the timestamps answered for series s; each checked against what was written.
        List<Set<Long>> present = new ArrayList<>();
        for (int s = 0; s < SERIES; s++) {
            present.add(new HashSet<>());
        }
        Set<Labels> seen = new HashSet<>();
        for (int i = 0; i < answer.labels().size(); i++) {
            Labels l = answer.labels().get(i);
            int s = seriesOf(l);
            if (s < 0) {
                problems.add("a series never written: " + l);
                continue;
            }
            if (!seen.add(l)) {
                problems.add("series answered twice: " + l);
            }
            long[] t = answer.times().get(i);
            double[] v = answer.values().get(i);
            for (int j = 0; j < t.length; j++) {
                if (j > 0 && t[j] <= t[j - 1]) {
                    problems.add(l + ": timestamp " + t[j] + " after " + t[j - 1]);
                }
                if (t[j] < 0 || t[j] >= END || t[j] % step(t[j]) != 0) {
                    problems.add(l + ": a sample at " + t[j] + ", never written");
                } else if (Double.doubleToRawLongBits(v[j]) != Double.doubleToRawLongBits(value(s, t[j]))) {
                    problems.add(l + ": at " + t[j] + " the value " + v[j] + ", written " + value(s, t[j]));
                } else {
                    present.get(s).add(t[j]);
                }
            }
        }
        if (!answer.errors().isEmpty() || !problems.isEmpty()) {
            return problems; // a read stopped by an error answers a subset, checked above
        }
        TsdbBlockInfo damagedBlock = victim == Victim.BLOCK ? blocks.stream().filter(b -> file.startsWith(b.ulid())).findFirst()
                .orElseThrow() : null;
        for (TsdbBlockInfo b : blocks) {
            if (b != damagedBlock) {
                missing(problems, present, b.minTime(), b.maxTime(), "block " + b.ulid() + ", intact,");
            }
        }
        if (victim == null || victim == Victim.BLOCK) {
            missing(problems, present, BLOCKS_END, END, "the WAL, intact,");
        } else if (victim == Victim.SEGMENT) {
            missing(problems, present, BLOCKS_END, COMPACTED_END, "the WAL checkpoint, intact,");
            // A cut exactly between two records of a segment before the last reads as a segment that
            // ended when its process stopped (so in Prometheus, whose short segments read as padded):
            // the segments after it replay, whole.
            prefix(problems, present, COMPACTED_END, END, true, "the WAL segments");
        } else {
            prefix(problems, present, BLOCKS_END, COMPACTED_END, false, "the WAL checkpoint");
            for (int s = 0; s < SERIES; s++) {
                int count = count(present.get(s), COMPACTED_END, END);
                if (count != 0 && count != written(COMPACTED_END, END)) {
                    problems.add(labels(s) + ": " + count + " of the WAL segments' samples: all or none (its series record lost)");
                }
            }
        }
        return problems;
    }

    private static int seriesOf(Labels l) {
        for (int s = 0; s < SERIES; s++) {
            if (labels(s).equals(l)) {
                return s;
            }
        }
        return -1;
    }

    /** Every sample written in {@code [from, to)} must be there. */
    private static void missing(List<String> problems, List<Set<Long>> present, long from, long to, String where) {
        for (int s = 0; s < SERIES; s++) {
            int count = count(present.get(s), from, to);
            if (count != written(from, to)) {
                problems.add(labels(s) + ": " + count + " of " + written(from, to) + " samples of " + where + " in [" + from + ", " + to + ")");
            }
        }
    }

    /**
     * The samples there in {@code [from, to)}, in the order written (time, then series), must be a
     * prefix of those written; with {@code thenToTheEnd}, a prefix then, after one gap, everything
     * up to the end.
     */
    private static void prefix(List<String> problems, List<Set<Long>> present, long from, long to, boolean thenToTheEnd, String where) {
        boolean gap = false;
        boolean resumed = false;
        for (long t = from; t < to; t += step(t)) {
            for (int s = 0; s < SERIES; s++) {
                boolean there = present.get(s).contains(t);
                if (there && gap && !thenToTheEnd) {
                    problems.add(labels(s) + ": sample at " + t + " of " + where + " replayed after a gap: not a prefix of what was written");
                    return;
                }
                if (!there && resumed) {
                    problems.add(labels(s) + ": sample at " + t + " of " + where + " missing after a gap and what followed it: a second gap");
                    return;
                }
                resumed |= there && gap;
                gap |= !there;
            }
        }
    }

    private static int count(Set<Long> times, long from, long to) {
        int n = 0;
        for (long t : times) {
            n += t >= from && t < to ? 1 : 0;
        }
        return n;
    }

    /** One to three edits of the file; says what was done, for the report. */
    private static String damage(Path file, Random random) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        StringBuilder what = new StringBuilder();
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits && bytes.length > 0; i++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(4)) {
                case 0 -> {
                    bytes[at] ^= (byte) (1 + random.nextInt(255));
                    what.append(" flipped@").append(at);
                }
                case 1 -> {
                    int n = Math.min(bytes.length - at, 1 + random.nextInt(64));
                    Arrays.fill(bytes, at, at + n, (byte) 0);
                    what.append(" zeroed@").append(at).append('+').append(n);
                }
                case 2 -> {
                    byte[] junk = new byte[1 + random.nextInt(16)];
                    random.nextBytes(junk);
                    byte[] longer = new byte[bytes.length + junk.length];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    System.arraycopy(junk, 0, longer, at, junk.length);
                    System.arraycopy(bytes, at, longer, at + junk.length, bytes.length - at);
                    bytes = longer;
                    what.append(" inserted@").append(at).append('+').append(junk.length);
                }
                default -> {
                    bytes = Arrays.copyOf(bytes, at);
                    what.append(" cut@").append(at);
                }
            }
        }
        Files.write(file, bytes);
        return what.toString().trim();
    }

    /** The non-empty files of the folder (WAL segments and checkpoints, block files), relative to it. */
    private static List<Path> victims(Path data) throws IOException {
        try (Stream<Path> s = Files.walk(data)) {
            return s.filter(Files::isRegularFile).filter(f -> f.toFile().length() > 0).filter(f -> !f.getFileName().toString().equals("lock"))
                    .map(data::relativize).sorted().toList();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p));
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void delete(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
