package io.promethium.tsdb.tool;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code promethium tsdb ...}: offline tools over a data directory.
 * <pre>
 *   create-blocks-from openmetrics FILE DIR   backfill blocks from an OpenMetrics text file
 *   list DIR                                  list blocks
 *   analyze DIR                               cardinality and churn of the newest block
 *   wal-stats DIR                             the WAL's records by type with their bytes
 * </pre>
 * The benchmarks are not shipped: {@code distribution/bench/tsdb write|wal|replay}.
 * Exit codes: 0 done, 1 failed (message on stderr) or bad usage (usage on stderr), as promtool.
 */
public final class TsdbTool {
    static final String USAGE = """
            usage: promethium tsdb <command> [args]
              create-blocks-from openmetrics FILE DIR   import an OpenMetrics text file into blocks in DIR
              list DIR                                  list the blocks of a data directory
              analyze DIR                               label cardinality of the newest block
              wal-stats DIR                             the WAL's records by type: count, bytes on disk and inflated
            """;

    private TsdbTool() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** Runs a command; returns the exit code. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        try {
            if (args.size() == 4 && args.get(0).equals("create-blocks-from") && args.get(1).equals("openmetrics")) {
                new Backfill(out).run(java.nio.file.Path.of(args.get(2)), java.nio.file.Path.of(args.get(3)));
                return 0;
            }
            if (args.size() == 2 && args.get(0).equals("list")) {
                new BlockList(out).list(java.nio.file.Path.of(args.get(1)));
                return 0;
            }
            if (args.size() == 2 && args.get(0).equals("analyze")) {
                new Analyze(out).run(java.nio.file.Path.of(args.get(1)));
                return 0;
            }
            if (args.size() == 2 && args.get(0).equals("wal-stats")) {
                new WalDump(out).run(java.nio.file.Path.of(args.get(1)));
                return 0;
            }
        } catch (Exception e) {
            err.println("tsdb " + (args.isEmpty() ? "" : args.get(0)) + ": " + e.getMessage());
            return 1;
        }
        err.print(USAGE);
        return 1;
    }
}
