package io.promethium.api.tool;

import java.io.PrintStream;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One command of {@code promethium <name> [args...]}. The launcher picks the tool whose
 * {@link #name()} is the longest run of leading command words ({@code check config} before
 * {@code check}), and hands it the words after the name. Tools run in a process of their own,
 * without the OSGi framework or any server component: a tool uses its own bundle's classes and
 * whatever it finds by {@link java.util.ServiceLoader} (the flat class path holds every bundle and
 * plugin jar). An implementation has a public no-argument constructor that does no work.
 */
@ConsumerType
public interface Tool {

    /**
     * The command words, lower case, separated by single spaces: {@code "check config"},
     * {@code "tsdb"}. Two tools of the same name are an error the launcher reports.
     */
    String name();

    /**
     * One line for {@code promethium --help}: the arguments, two spaces, what the tool does; for
     * example {@code "[--syntax-only] FILE...  Check whether config files are valid."}.
     */
    String help();

    /**
     * Runs the tool to completion. Output goes to {@code out}, errors and usage to {@code err};
     * never {@code System.exit}.
     *
     * @param args the words after {@link #name()}
     * @return the process exit code: 0 done, 1 failed or bad usage (as Prometheus's promtool and
     *         amtool, whose kingpin parser exits 1 on a usage error); a tool may add codes of
     *         its own, as promtool's 3 for lint problems
     * @throws Exception a failure the launcher reports on {@code err} with exit code 1
     */
    int run(List<String> args, PrintStream out, PrintStream err) throws Exception;
}
