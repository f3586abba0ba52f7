package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

/**
 * What the leak watch costs the thread that stops a bundle (it classifies the threads, and takes
 * a thread dump for the virtual ones, before the stop returns), with many bundles installed and
 * a server's worth of virtual threads parked: the time of a bundle's stop with the watch and
 * without it, printed (a measurement, not an assertion: the machine is shared). Run alone with
 * {@code mvn -o -pl kernel/launcher test -Dtest=ThreadLeakWatchCostTest}.
 */
class ThreadLeakWatchCostTest {

    private static final int BUNDLES = 100;
    private static final int VIRTUAL_THREADS = 1_000;
    private static final int STOPS = 20;

    @TempDir
    Path dir;

    @Test
    void printsTheCostOfABundlesStopWithAndWithoutTheWatch() throws Exception {
        Framework framework = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE, dir.resolve("cache").toString()));
        framework.start();
        CountDownLatch end = new CountDownLatch(1);
        List<Thread> parked = new ArrayList<>();
        try {
            List<Bundle> bundles = new ArrayList<>();
            for (int i = 0; i < BUNDLES; i++) {
                Bundle bundle = framework.getBundleContext().installBundle("test:quiet-" + i,
                        ThreadLeakWatchTest.jarStream("test.quiet" + i, "1.0.0", null));
                bundle.start();
                bundles.add(bundle);
            }
            for (int i = 0; i < VIRTUAL_THREADS; i++) {
                parked.add(Thread.ofVirtual().name("parked-" + i).start(() -> {
                    try {
                        end.await();
                    } catch (InterruptedException e) {
                        // ends
                    }
                }));
            }
            Bundle stopped = bundles.get(BUNDLES / 2);
            long[] without = stops(stopped, STOPS, i -> { });
            List<Double> looks = new CopyOnWriteArrayList<>();
            Handler handler = new Handler() {
                @Override
                public void publish(LogRecord record) {
                    Matcher m = LOOKED.matcher(record.getMessage());
                    if (m.find()) {
                        looks.add(Double.parseDouble(m.group(1)));
                    }
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            Logger logger = Logger.getLogger(ThreadLeakWatch.class.getName());
            Level level = logger.getLevel();
            logger.setLevel(Level.FINE);
            logger.addHandler(handler);
            long[] with;
            try (ThreadLeakWatch watch = new ThreadLeakWatch(framework.getBundleContext(), Duration.ofSeconds(5))) {
                // each look waited for, so that a stop's look does not overlap the next stop
                with = stops(stopped, STOPS + 1, i -> awaitLook(looks, i));
                assertThat(watch.leaked()).isEmpty();
            } finally {
                logger.removeHandler(handler);
                logger.setLevel(level);
            }
            double[] look = looks.stream().skip(1).mapToDouble(Double::doubleValue).sorted().toArray();
            long[] stopsWith = Arrays.copyOfRange(with, 1, with.length);
            System.out.printf(Locale.ROOT, "ThreadLeakWatch cost per stop (%d bundles, %d platform + %d virtual threads, %d stops): "
                            + "the stopping thread %.2f ms median (%.2f ms without the watch); the look for virtual threads on the "
                            + "watch's thread %.1f ms median, %.1f ms max (the first %.1f ms)%n",
                    BUNDLES + 1, Thread.getAllStackTraces().size(), VIRTUAL_THREADS, STOPS, ms(median(stopsWith)), ms(median(without)),
                    look[look.length / 2], look[look.length - 1], looks.get(0));
        } finally {
            end.countDown();
            for (Thread thread : parked) {
                thread.join(5_000);
            }
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    private static final Pattern LOOKED = Pattern.compile("Looked for the virtual threads of 1 stopped bundle\\(s\\) in ([0-9.]+) ms");

    /** The duration of each stop, in nanoseconds; after each, {@code after} runs and the bundle is started again. */
    private static long[] stops(Bundle bundle, int count, AfterStop after) throws Exception {
        long[] took = new long[count];
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            bundle.stop();
            took[i] = System.nanoTime() - start;
            after.run(i);
            bundle.start();
        }
        return took;
    }

    private interface AfterStop {
        void run(int stop) throws Exception;
    }

    /** Waits for the look after the stop of that index. */
    private static void awaitLook(List<Double> looks, int stop) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (looks.size() <= stop) {
            assertThat(System.nanoTime()).as("a look within 30 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
