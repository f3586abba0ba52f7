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
 * Exit codes, messages and help as promtool's: 0 done (the usage on stdout for {@code --help}); 1 failed, the
 * message on stderr, a bad command line as {@code promethium tsdb CMD: error: MESSAGE, try --help}.
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

    /** Reads a command's arguments. */
    private interface ArgsReader<T> {
        T read() throws CommandLine.UsageException;
    }

    /** A flag's bad value is a usage error, as kingpin reports it; a bad selector keeps PromQL's words. */
    private static <T> T parse(ArgsReader<T> reader) throws CommandLine.UsageException {
        try {
            return reader.read();
        } catch (SeriesSelector.SelectorException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException(e.getMessage());
        }
    }

    /** Runs a command; returns the exit code. */
    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(USAGE); // kingpin prints help on stdout and exits 0
            return 0;
        }
        String command = args.isEmpty() ? "" : args.get(0);
        try {
            switch (command) {
                case "" -> throw new CommandLine.UsageException("must select a subcommand of 'tsdb'");
                case "create-blocks-from" -> {
                    String which = subcommand(args);
                    if ("openmetrics".equals(which)) {
                        command = "create-blocks-from openmetrics";
                        Backfill.Args parsed = parse(() -> Backfill.Args.parse(args.subList(1, args.size())));
                        new Backfill(out).run(parsed);
                        return 0;
                    }
                    if ("rules".equals(which) && args.get(1).equals("rules")) {
                        command = "create-blocks-from rules";
                        RuleBackfill.Args parsed = parse(() -> RuleBackfill.Args.parse(args.subList(2, args.size())));
                        return new RuleBackfill(out, err).run(parsed, java.time.Instant.now());
                    }
                    command = "create-blocks-from";
                    throw new CommandLine.UsageException(which == null ? "must select a subcommand of 'tsdb create-blocks-from'"
                            : "expected command but got \"" + which + "\"");
                }
                case "dump", "dump-openmetrics" -> {
                    boolean dump = command.equals("dump");
                    Dump.Args parsed = parse(() -> Dump.Args.parse(args.subList(1, args.size()), dump));
                    new Dump(out, command.equals("dump-openmetrics")).run(parsed);
                    return 0;
                }
                case "list" -> {
                    BlockList.Args parsed = parse(() -> BlockList.Args.parse(args.subList(1, args.size())));
                    new BlockList(out).list(parsed);
                    return 0;
                }
                case "analyze" -> {
                    Analyze.Args parsed = parse(() -> Analyze.Args.parse(args.subList(1, args.size())));
                    new Analyze(out).run(parsed);
                    return 0;
                }
                case "wal-stats" -> {
                    if (args.size() != 2) {
                        throw new CommandLine.UsageException(args.size() < 2 ? "required argument 'dir' not provided" : "unexpected " + args.get(2));
                    }
                    new WalDump(out).run(java.nio.file.Path.of(args.get(1)));
                    return 0;
                }
                default -> {
                    String unknown = command;
                    command = "";
                    throw new CommandLine.UsageException("expected command but got \"" + unknown + "\"");
                }
            }
        } catch (CommandLine.UsageException e) {
            // promtool's (kingpin's) form of a usage error; the usage itself only on --help.
            err.println("promethium tsdb" + (command.isEmpty() ? "" : " " + command) + ": error: " + e.getMessage() + ", try --help");
            return 1;
        } catch (SeriesSelector.SelectorException e) {
            err.println(e.getMessage()); // promtool prints the parser's error alone
            return 1;
        } catch (Exception e) {
            // As promtool: the error alone, its words naming what failed and where.
            err.println(e.getMessage() != null ? e.getMessage() : e.toString());
            return 1;
        }
    }
}
