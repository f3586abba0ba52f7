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
import java.util.List;
import java.util.Random;
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
 * A data folder written by the database itself (two blocks and a head with its WAL, as
 * {@link BlockTest} writes them) with one of its files damaged at random — bytes flipped, zeroed,
 * inserted, or the file cut short — must open (a broken WAL is truncated, a broken block set
 * aside) and answer a query over everything within a deadline; a read may fail only with an
 * error naming its block. Never an exception out of open or the query, never a hang. Prints its
 * seed: {@code -Dtsdb.corrupt.fuzz.seed=N} replays a run.
 */
class CorruptFilesFuzzTest {

    private static final long HOUR = 3_600_000L;
    private static final long STEP = 60_000L;
    /** Opening and reading back a small folder takes well under a second; the rest is margin for a loaded machine. */
    private static final long DEADLINE_MILLIS = 60_000;

    @TempDir
    Path dir;

    @Test
    void damagedWalOrBlockFilesNeverPreventOpeningOrQuerying() throws Exception {
        Path pristine = dir.resolve("pristine");
        try (Tsdb db = Tsdb.open(options(pristine).withWalSegmentBytes(64 << 10))) {
            for (long t = 0; t < 7 * HOUR; t += STEP) {
                Appender app = db.appender();
                for (int s = 0; s < 4; s++) {
                    app.append(0, Labels.of("__name__", "node_load1", "instance", "host" + s, "job", "node"), t, (t / STEP) % 97 + s);
                }
                app.commit();
            }
            db.compact();
            assertThat(db.blocks()).hasSizeGreaterThanOrEqualTo(2);
        }
        List<Path> files = victims(pristine);
        assertThat(files).anyMatch(f -> f.startsWith("wal")).anyMatch(f -> f.endsWith("meta.json"))
                .anyMatch(f -> f.toString().contains("chunks")).anyMatch(f -> f.toString().contains("index"));
        List<Path> wal = files.stream().filter(f -> f.startsWith("wal")).toList();
        List<Path> blocks = files.stream().filter(f -> !f.startsWith("wal")).toList();
        FuzzRun run = FuzzRun.configure("tsdb.corrupt.fuzz", 20_261_123L, 12, Duration.ofSeconds(6));
        Random random = new Random(run.seed());
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tsdb-corrupt-fuzz");
            t.setDaemon(true);
            return t;
        });
        List<String> problems = new ArrayList<>();
        run.start();
        int done = 0;
        try {
            for (; run.proceed(done) && problems.size() < 5; done++) {
                Path copy = dir.resolve("run" + done);
                copy(pristine, copy);
                // Half the runs damage the WAL (segments, checkpoint), half a block's file.
                List<Path> among = random.nextBoolean() ? wal : blocks;
                Path victim = among.get(random.nextInt(among.size()));
                String damage = damage(copy.resolve(victim), random);
                String what = victim + " " + damage;
                Future<?> result = worker.submit(() -> openAndReadAll(copy));
                try {
                    result.get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
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
        System.out.printf("tsdb corrupt files fuzz: %s%n", run.summary(done));
        assertThat(problems).as("replay with -Dtsdb.corrupt.fuzz.seed=%d", run.seed()).isEmpty();
    }

    /** Opens the folder and reads every sample; a read error must name its block. */
    private static Void openAndReadAll(Path data) {
        try (Tsdb db = Tsdb.open(options(data)); Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.REGEX, "__name__", ".+")));
            SampleIterator it = null;
            while (set.next()) {
                it = set.at().iterator(it);
                while (it.next()) {
                    it.timestamp();
                }
                if (it.error() != null) {
                    assertThat(it.error()).hasMessageStartingWith("block ");
                }
            }
            if (set.error() != null) {
                assertThat(set.error()).hasMessageStartingWith("block ");
            }
        }
        return null;
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
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
