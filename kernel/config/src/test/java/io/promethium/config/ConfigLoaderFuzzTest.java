package io.promethium.config;

import io.promethium.api.testing.FuzzMutations;
import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.config.ConfigException;
import io.promethium.api.testing.FuzzRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Mutated prometheus.yml files (the YAML text blocks of this module's own tests) either load or
 * fail with a {@link ConfigException} whose message names the file, each within a deadline; never
 * another exception, a hang or an out-of-memory error. Prints its seed:
 * {@code -Dconfig.fuzz.seed=N} replays a run.
 */
class ConfigLoaderFuzzTest {

    /** A load takes well under a millisecond; the rest is margin for a loaded machine. */
    private static final long DEADLINE_MILLIS = 10_000;

    private static final String[] FRAGMENTS = {
        ":", " ", "  ", "\n", "- ", "[", "]", "{", "}", ",", "\"", "'", "#", "&a ", "*a", "!!str ", "!!binary ", "? ",
        "|", ">", "0", "-1", "1e309", "9999999999999999999", "15s", "0s", "-5m", "1y", "NaN", "true", "null", "~", "\t",
        "job_name", "scrape_configs", "global", "targets", "labels", "regex", "(", ".*", "\\", "\u00e9", "\uD800",
        "\u0000", "%", "${X}", "$1", "__name__", "http://", "localhost:9090",
    };

    private static final Path FILE = Path.of("prometheus.yml");

    @Test
    void mutatedPrometheusConfigsLoadOrFailWithAConfigException() throws Exception {
        ConfigLoader loader = new ConfigLoader(PluginKeys.NONE);
        // Every file, and those that load three times more: mutations of a refused file mostly meet its first error again.
        List<String> seeds = new ArrayList<>();
        int loading = 0;
        for (String text : FuzzMutations.textBlocks(Path.of("src/test/java/io/promethium/config"), "job_name", "%s", "%d")) {
            try {
                loader.parse(FILE, text);
                seeds.addAll(List.of(text, text, text));
                loading++;
            } catch (ConfigException e) {
                // a test of an error: its file is a seed too
            }
            seeds.add(text);
        }
        assertThat(loading).as("loading configs among this module's tests").isGreaterThan(1);
        FuzzRun run = FuzzRun.configure("config.fuzz", 20_261_123L, 12_000, Duration.ofSeconds(4));
        Random random = new Random(run.seed());
        int[] outcomes = fuzz(run, random, seeds, text -> {
            try {
                loader.parse(FILE, text);
                return true;
            } catch (ConfigException e) {
                assertThat(e.getMessage()).as("error for %s", text).startsWith(FILE.toString());
                return false;
            }
        });
        assertThat(outcomes[0]).as("mutations that still load").isPositive();
        assertThat(outcomes[1]).as("mutations refused").isPositive();
    }

    /** One candidate: true when it loaded, false when refused cleanly; anything else is thrown. */
    interface Check {
        boolean apply(String text) throws Exception;
    }

    /** Runs mutations of the seeds through {@code check} on a worker with a deadline; {accepted, refused}. */
    static int[] fuzz(FuzzRun run, Random random, List<String> seeds, Check check) throws Exception {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "config-fuzz");
            t.setDaemon(true);
            return t;
        });
        List<String> problems = new ArrayList<>();
        int accepted = 0;
        int refused = 0;
        int tried = 0;
        for (String seed : seeds) {
            worker.submit(() -> check.apply(seed)).get(2, TimeUnit.MINUTES); // warm up untimed
        }
        run.start();
        try {
            while (run.proceed(tried) && problems.size() < 10) {
                String text = FuzzMutations.mutateText(seeds.get(random.nextInt(seeds.size())), random, FRAGMENTS, true);
                tried++;
                Future<Boolean> result = worker.submit(() -> check.apply(text));
                try {
                    if (result.get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)) {
                        accepted++;
                    } else {
                        refused++;
                    }
                } catch (TimeoutException e) {
                    problems.add("no answer within " + DEADLINE_MILLIS + " ms:\n" + text);
                    break;
                } catch (ExecutionException e) {
                    problems.add("iteration " + (tried - 1) + ": " + e.getCause() + "\n" + text);
                    e.getCause().printStackTrace();
                }
            }
        } finally {
            worker.shutdownNow();
        }
        System.out.printf("config fuzz (%d seed files): %d loaded, %d refused; %s%n", seeds.size(), accepted, refused, run.summary(tried));
        assertThat(problems).as("replay with -D<prefix>.seed=%d", run.seed()).isEmpty();
        return new int[] {accepted, refused};
    }



}
