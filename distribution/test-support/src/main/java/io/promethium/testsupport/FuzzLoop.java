package io.promethium.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * The loop of a text fuzz test: mutations ({@link FuzzMutations#mutateText}) of seed texts are
 * run through a check on a worker thread, each within a deadline, for as long as a
 * {@link FuzzRun} says; the outcomes are counted, and the problems (an exception other than a
 * clean refusal, no answer in time) fail the test at the end with the texts that caused them.
 * The seeds are checked once, untimed, first: a cold JIT must not count against the deadline.
 */
public final class FuzzLoop {

    /** After this many problems the run stops: the first ones say what is wrong. */
    private static final int MAX_PROBLEMS = 10;

    private FuzzLoop() {
    }

    /** One candidate: true when accepted, false when refused cleanly; anything else thrown is a problem. */
    @FunctionalInterface
    public interface Check {
        boolean apply(String text) throws Exception;
    }

    /** How many mutations were accepted and how many refused cleanly. */
    public record Outcomes(int accepted, int refused) {
    }

    /**
     * Runs mutations of {@code seeds} (with {@code fragments}, line-wise when {@code lines}) through
     * {@code check}, each within {@code deadline}, from {@code run}'s seed; prints a closing line
     * named {@code name} and asserts that there was no problem.
     */
    public static Outcomes run(String name, FuzzRun run, List<String> seeds, String[] fragments, boolean lines, Duration deadline,
            Check check) throws Exception {
        Random random = new Random(run.seed());
        long deadlineMillis = deadline.toMillis();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name + "-fuzz");
            t.setDaemon(true);
            return t;
        });
        List<String> problems = new ArrayList<>();
        int accepted = 0;
        int refused = 0;
        int tried = 0;
        try {
            for (String seed : seeds) {
                worker.submit(() -> check.apply(seed)).get(2, TimeUnit.MINUTES); // warm up untimed
            }
            run.start();
            while (run.proceed(tried) && problems.size() < MAX_PROBLEMS) {
                String text = FuzzMutations.mutateText(seeds.get(random.nextInt(seeds.size())), random, fragments, lines);
                tried++;
                Future<Boolean> result = worker.submit(() -> check.apply(text));
                try {
                    if (result.get(deadlineMillis, TimeUnit.MILLISECONDS)) {
                        accepted++;
                    } else {
                        refused++;
                    }
                } catch (TimeoutException e) {
                    problems.add("no answer within " + deadlineMillis + " ms:\n" + text);
                    break;
                } catch (ExecutionException e) {
                    problems.add("iteration " + (tried - 1) + ": " + e.getCause() + "\n" + text);
                    e.getCause().printStackTrace();
                }
            }
        } finally {
            worker.shutdownNow();
        }
        System.out.printf("%s fuzz (%d seed files): %d accepted, %d refused; %s%n", name, seeds.size(), accepted, refused, run.summary(tried));
        assertThat(problems).as("replay with the seed printed above (%s)", run.summary(tried)).isEmpty();
        return new Outcomes(accepted, refused);
    }
}
