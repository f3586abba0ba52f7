package io.promethium.tsdb.tool;

import io.promethium.api.tool.CommandLine;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code promethium tsdb ...}: offline tools over a data directory.
 * <pre>
 *   create-blocks-from [-r] [-q] openmetrics [--label=N=V]... FILE [DIR]  backfill blocks from an OpenMetrics text file
 *   create-blocks-from rules --start=T [--end=T] [--url=U] [--output-dir=DIR] [--eval-interval=D] FILE...
 *   dump [--min-time=MS] [--max-time=MS] [--match=SELECTOR]... [--sandbox-dir-root=DIR] [--format=prom|seriesjson] [DB]
 *   dump-openmetrics (the same flags but --format)
 *   list [-r] [DB]                            list blocks (and downsampled companions)
 *   analyze [--limit=N] [--extended] [--match=SELECTOR] [--resolution=R] [DB] [BLOCK-ID]
 *                                           churn, label cardinality and chunks of a block (the newest raw one by default)
 *   wal-stats DIR                             the WAL's records by type with their bytes
 * </pre>
 * The benchmarks are not shipped: {@code distribution/bench/tsdb write|wal|replay}.
 * Exit codes: 0 done, 1 failed (message on stderr) or bad usage (usage on stderr), as promtool.
 */
public final class TsdbTool {
    static final String USAGE = """
            usage: promethium tsdb <command> [args]
              create-blocks-from rules --start=TIME [--end=TIME] [--url=URL] [--output-dir=DIR] [--eval-interval=DURATION]
                  [-q|--quiet] [-r] RULE-FILE...          backfill recording rules by querying a Prometheus API (--url,
                                                          default http://localhost:9090) over [start, end] into blocks
                                                          (--output-dir, default data/); TIME: RFC 3339 or Unix seconds;
                                                          --end defaults to 3 hours ago, --eval-interval to 60s
              create-blocks-from [-r] [-q] [--max-block-duration=D] openmetrics [--label=NAME=VALUE]... FILE [DIR]
                                                        blocks of DIR (default data/) from an OpenMetrics file, each
                                                          printed as list prints it (-q: nothing)
              dump [--min-time=MS] [--max-time=MS] [--match=SELECTOR]... [--sandbox-dir-root=DIR] [--format=prom|seriesjson] [DB]
                                                        print every sample of DB (default data/), blocks and WAL:
                                                          {labels} value timestamp (seriesjson: each series' labels)
              dump-openmetrics [the same flags but --format] [DB]
                                                        the same samples as OpenMetrics text (floats only)
              list [-r|--human-readable] [DB]           list the blocks of DB (default data/), as promtool; a last column
                                                          RESOLUTION (raw, 5m, 1h, ...) when it holds downsampled blocks
              analyze [--limit=N] [--extended] [--match=SELECTOR] [--resolution=R] [DB] [BLOCK-ID]
                                                        churn and label cardinality of a block, as promtool (--limit entries
                                                          per list, 20; --extended adds chunk sizes): BLOCK-ID, else the
                                                          newest block of resolution R (raw, the default, or a duration such
                                                          as 5m, 1h)
              wal-stats DIR                             the WAL's records by type: count, bytes on disk and inflated
            """;

    private TsdbTool() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    /** The first word after {@code create-blocks-from} that is no flag nor a flag's value: {@code openmetrics} or {@code rules}. */
    private static String subcommand(List<String> args) {
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--max-block-duration") || a.equals("--label")) {
                i++; // its value follows
            } else if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    /** Runs a command; returns the exit code. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        try {
            if (!args.isEmpty() && args.get(0).equals("create-blocks-from") && "openmetrics".equals(subcommand(args))) {
                Backfill.Args parsed;
                try {
                    parsed = Backfill.Args.parse(args.subList(1, args.size()));
                } catch (CommandLine.UsageException e) {
                    err.println("tsdb create-blocks-from openmetrics: " + e.getMessage());
                    err.print(USAGE);
                    return 1;
                }
                new Backfill(out).run(parsed);
                return 0;
            }
            if (!args.isEmpty() && (args.get(0).equals("dump") || args.get(0).equals("dump-openmetrics"))) {
                Dump.Args parsed;
                try {
                    parsed = Dump.Args.parse(args.subList(1, args.size()), args.get(0).equals("dump"));
                } catch (CommandLine.UsageException | IllegalArgumentException e) {
                    err.println("tsdb " + args.get(0) + ": " + e.getMessage());
                    err.print(USAGE);
                    return 1;
                }
                new Dump(out, args.get(0).equals("dump-openmetrics")).run(parsed);
                return 0;
            }
            if (args.size() >= 2 && args.get(0).equals("create-blocks-from") && args.get(1).equals("rules")) {
                RuleBackfill.Args parsed;
                try {
                    parsed = RuleBackfill.Args.parse(args.subList(2, args.size()));
                } catch (CommandLine.UsageException | IllegalArgumentException e) {
                    err.println("tsdb create-blocks-from rules: " + e.getMessage());
                    err.print(USAGE);
                    return 1;
                }
                return new RuleBackfill(out, err).run(parsed, java.time.Instant.now());
            }
            if (!args.isEmpty() && args.get(0).equals("list")) {
                BlockList.Args parsed;
                try {
                    parsed = BlockList.Args.parse(args.subList(1, args.size()));
                } catch (CommandLine.UsageException e) {
                    err.println("tsdb list: " + e.getMessage());
                    err.print(USAGE);
                    return 1;
                }
                new BlockList(out).list(parsed);
                return 0;
            }
            if (!args.isEmpty() && args.get(0).equals("analyze")) {
                Analyze.Args parsed;
                try {
                    parsed = Analyze.Args.parse(args.subList(1, args.size()));
                } catch (CommandLine.UsageException e) {
                    err.println("tsdb analyze: " + e.getMessage());
                    err.print(USAGE);
                    return 1;
                }
                new Analyze(out).run(parsed);
                return 0;
            }
            if (args.size() == 2 && args.get(0).equals("wal-stats")) {
                new WalDump(out).run(java.nio.file.Path.of(args.get(1)));
                return 0;
            }
        } catch (Exception e) {
            if (e instanceof IllegalArgumentException && e.getMessage() != null && e.getMessage().startsWith("bad series selector")) {
                err.println("tsdb " + args.get(0) + ": " + e.getMessage());
                return 1;
            }
            err.println("tsdb " + (args.isEmpty() ? "" : args.get(0)) + ": " + e.getMessage());
            return 1;
        }
        err.print(USAGE);
        return 1;
    }
}
