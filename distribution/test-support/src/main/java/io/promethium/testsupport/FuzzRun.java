package io.promethium.testsupport;

import java.time.Duration;

/**
 * How long a randomized test runs and from which seed, so that every failure can be replayed.
 *
 * <p>Each run is named by a property prefix, e.g. {@code promql.fuzz}: {@code <prefix>.seed} sets
 * the seed, {@code <prefix>.iterations} a fixed number of iterations, {@code <prefix>.millis} the
 * time budget. Under CI ({@link Ci}) the run is a fixed number of iterations, the same on every
 * machine; elsewhere it runs for its time budget, from the default seed ({@link #configure}) or
 * from a new one each run ({@link #configureVaryingSeed}). {@link #start()} prints the seed and
 * how to replay it before the first iteration, so a hang or crash still shows it.
 */
public final class FuzzRun {

    private final String prefix;
    private final long seed;
    private final long iterations;
    private final long budgetNanos;
    private final boolean fixedCount;
    private long deadline;

    private FuzzRun(String prefix, long seed, long iterations, long budgetNanos, boolean fixedCount) {
        this.prefix = prefix;
        this.seed = seed;
        this.iterations = iterations;
        this.budgetNanos = budgetNanos;
        this.fixedCount = fixedCount;
    }

    /**
     * A run configured from the system properties under {@code prefix}, else from the defaults:
     * {@code ciIterations} iterations under CI, {@code localBudget} of time otherwise.
     */
    public static FuzzRun configure(String prefix, long defaultSeed, int ciIterations, Duration localBudget) {
        long seed = Long.getLong(prefix + ".seed", defaultSeed);
        Long iterations = Long.getLong(prefix + ".iterations");
        Long millis = Long.getLong(prefix + ".millis");
        if (iterations != null) {
            return new FuzzRun(prefix, seed, iterations, Long.MAX_VALUE, true);
        }
        if (millis == null && Ci.active()) {
            return new FuzzRun(prefix, seed, ciIterations, Long.MAX_VALUE, true);
        }
        long budget = millis != null ? Duration.ofMillis(millis).toNanos() : localBudget.toNanos();
        return new FuzzRun(prefix, seed, Long.MAX_VALUE, budget, false);
    }

    /**
     * As {@link #configure}, but outside CI without {@code <prefix>.seed} each run draws a new seed
     * (printed by {@link #start()}), so runs on developers' machines explore past what CI's fixed
     * seed covers; under CI the seed stays {@code ciSeed}, the same on every machine.
     */
    public static FuzzRun configureVaryingSeed(String prefix, long ciSeed, int ciIterations, Duration localBudget) {
        // A <prefix>.seed property still wins: configure reads it before this default.
        return configure(prefix, Ci.active() ? ciSeed : new java.security.SecureRandom().nextLong(), ciIterations, localBudget);
    }

    /** The seed of this run's random source. */
    public long seed() {
        return seed;
    }

    /** Starts the clock and prints the seed and how to replay the run. */
    public FuzzRun start() {
        deadline = budgetNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + budgetNanos;
        System.out.println(prefix + ": seed " + seed + ", " + (fixedCount ? iterations + " iterations" : budgetNanos / 1_000_000 + " ms")
                + " (replay with -D" + prefix + ".seed=" + seed + "; -D" + prefix + ".iterations=N or -D" + prefix + ".millis=N)");
        return this;
    }

    /** Whether iteration number {@code done} (counting from 0) should run. */
    public boolean proceed(long done) {
        if (done >= iterations) {
            return false;
        }
        return deadline == Long.MAX_VALUE || System.nanoTime() < deadline;
    }

    /** What ran, for the closing line: the seed and the iterations done. */
    public String summary(long done) {
        return "seed " + seed + ", " + done + " iterations" + (fixedCount ? " (fixed count)" : " in " + budgetNanos / 1_000_000 + " ms");
    }
}
