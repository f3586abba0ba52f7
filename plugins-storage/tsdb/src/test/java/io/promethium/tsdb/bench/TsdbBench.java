package io.promethium.tsdb.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The TSDB's end-to-end benchmarks, which print tables a README can cite: not shipped (test
 * source), run by {@code distribution/bench/tsdb write|wal|replay [flags]}.
 * <pre>
 *   write [--series N] [--hours H] [--threads T] [--fsync] [--dir D]
 *   wal [--series N] [--scrapes S] [--replays R] [--dir D]
 *   replay [--series N] [--scrapes S] [--replays R] [--compression none|snappy|zstd] [--dir D]
 * </pre>
 * Exit codes: 0 done, 1 failed (message on stderr), 2 bad usage (usage on stderr).
 */
public final class TsdbBench {
    static final String USAGE = """
            usage: distribution/bench/tsdb <bench> [flags]
              write [--series N] [--hours H] [--threads T] [--fsync] [--dir D]
                                                        ingest/compaction/query benchmark (prints a table)
              wal [--series N] [--scrapes S] [--replays R] [--dir D]
                                                        WAL bytes and replay time per compression (prints a table)
              replay [--series N] [--scrapes S] [--replays R] [--compression none|snappy|zstd] [--dir D]
                                                        WAL replay to ready: series, samples and MB per second
            """;

    private static final Map<String, Function<PrintStream, Bench>> BENCHES =
            Map.of("write", WriteBench::new, "wal", WalBench::new, "replay", ReplayBench::new);

    private TsdbBench() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** Runs one benchmark; returns the exit code. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !BENCHES.containsKey(args.get(0))) {
            err.print(USAGE);
            return 2;
        }
        Bench bench = BENCHES.get(args.get(0)).apply(out);
        try {
            bench.parse(args.subList(1, args.size()));
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.print(USAGE);
            return 2;
        }
        try {
            bench.run();
            return 0;
        } catch (Exception e) {
            err.println("bench " + args.get(0) + ": " + e.getMessage());
            return 1;
        }
    }
}
