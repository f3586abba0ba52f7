package io.promethium.launcher;

import java.io.PrintStream;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code promethium [flags] [command args...]}: with no command (or {@code server}) runs the
 * server; any other command runs the {@link io.promethium.api.tool.Tool} of that name that an
 * installed bundle or plugin provides ({@code check config}, {@code tsdb ...}), without starting
 * the framework. Unknown flags and commands print usage and exit non-zero: 2 for the server, as
 * {@code prometheus} does, and 1 for a tool command (an unknown command, bad flags before a tool's
 * words), as {@code promtool} does (kingpin's {@code MustParse} exits 1).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path home = Path.of(System.getProperty("promethium.home", ".")).toAbsolutePath().normalize();
        // --plugins.dir before the command replaces plugins/; after a tool's command words it names
        // candidate plugins, added to the installed ones for this run (check config against a plugin
        // before installing it).
        int start = commandStart(args, Flags.specs(home));
        String[] global = Arrays.copyOfRange(args, 0, start);
        List<Path> candidates = candidates(Arrays.copyOfRange(args, start, args.length));
        List<Path> jarDirs = List.of(Path.of(preScan(args, "bundles.dir", home.resolve("bundles").toString())),
                Path.of(preScan(global, "plugins.dir", home.resolve("plugins").toString())));
        JarHeaders headers = new JarHeaders(JarHeaders.defaultCacheRoot());
        BundleFlags.Declared declared = BundleFlags.declared(jarDirs, home, err, headers);
        List<Flags.Spec> specs = Flags.merge(Flags.specs(home), declared.flags(), err);
        java.util.Set<String> features = new java.util.TreeSet<>(declared.features());
        List<String> flagArgs = new ArrayList<>();
        List<String> command = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                out.print(Flags.usage(specs, features, new ToolPath(jarDirs, List.of(), err, headers).usageLines()));
                return 0;
            }
            if (arg.equals("--write-documentation")) {
                out.print(Flags.documentation(specs, features));
                return 0;
            }
            if (arg.equals("--version")) {
                out.println("promethium, version " + new Server(emptyFlags(specs), home).version());
                return 0;
            }
            if (command.isEmpty() && arg.startsWith("--")) {
                flagArgs.add(arg);
                if (!arg.contains("=") && i + 1 < args.length && takesValue(specs, arg.substring(2))) {
                    flagArgs.add(args[++i]);
                }
            } else {
                command.add(arg);
            }
        }
        String verb = command.isEmpty() ? "server" : command.get(0);
        ToolPath tools = new ToolPath(jarDirs, candidates, err, headers);
        try {
            if (verb.equals("server")) {
                if (command.size() > 1) {
                    throw new Flags.UsageException("unexpected argument '" + command.get(1) + "'");
                }
                Flags flags = Flags.parse(specs, features, ShippedBundles.read(home), flagArgs);
                String conflict = flags.modeConflict();
                if (conflict != null) {
                    err.println(conflict);
                    return 3;
                }
                LogSetup.configure(flags.get("log.level"), flags.get("log.format").equals("json"));
                return new Server(flags, home).run();
            }
            // promtool's --enable-feature before the command words is the tool's (promtool's global flag), not the server's.
            List<String> toolFeatures = new ArrayList<>();
            Flags flags = Flags.parse(specs, features, ShippedBundles.read(home), withoutFeatures(flagArgs, toolFeatures));
            LogSetup.configure(flags.get("log.level"), flags.get("log.format").equals("json"));
            for (Path candidate : candidates) {
                if (!java.nio.file.Files.isDirectory(candidate)) {
                    throw new Flags.UsageException("--plugins.dir: '" + candidate + "' is not a folder");
                }
            }
            return runTool(tools, command, toolFeatures, out, err);
        } catch (Flags.UsageException e) {
            err.println("promethium: error: " + e.getMessage() + ", try --help");
            err.print(Flags.usage(specs, features, tools.usageLines()));
            // prometheus exits 2 on bad command line arguments, promtool 1 (kingpin's MustParse).
            return verb.equals("server") ? 2 : 1;
        } catch (Exception e) {
            err.println("promethium: error: " + e);
            return 1;
        }
    }

    /**
     * The flat class path of the bundles and plugins and the tools on it, made when first needed:
     * the server never needs it, {@code --help} and the tools do.
     */
    private static final class ToolPath {
        private final List<Path> dirs;
        private final List<Path> candidates;
        private final PrintStream err;
        private final JarHeaders headers;
        private Tools tools;

        ToolPath(List<Path> dirs, List<Path> candidates, PrintStream err, JarHeaders headers) {
            this.dirs = dirs;
            this.candidates = candidates;
            this.err = err;
            this.headers = headers;
        }

        Tools tools() throws java.io.IOException {
            if (tools == null) {
                URLClassLoader loader = FlatClasspath.of(dirs, candidates, err, headers, FlatClasspath.cacheRoot());
                // Tools find plugins (discovery, notifiers) by ServiceLoader on the context class loader.
                Thread.currentThread().setContextClassLoader(loader);
                tools = Tools.load(dirs, headers, loader, err);
            }
            return tools;
        }

        /** The usage lines of the installed tools; none when the class path cannot be read (said on stderr). */
        List<String> usageLines() {
            try {
                return tools().usageLines();
            } catch (java.io.IOException | RuntimeException e) {
                err.println("promethium: warning: cannot list the tools: " + e.getMessage());
                return List.of();
            }
        }
    }

    /** The value of one flag before the others are known: the folders whose jars declare flags. */
    static String preScan(String[] args, String name, String defaultValue) {
        String value = defaultValue;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--" + name) && i + 1 < args.length) {
                value = args[++i];
            } else if (args[i].startsWith("--" + name + "=")) {
                value = args[i].substring(name.length() + 3);
            }
        }
        return value;
    }

    /**
     * Where the command words start: after the launcher's flags (and the values of those that take
     * one as the next word, by the built-in flags; a bundle's flag given so before a command is rare).
     */
    static int commandStart(String[] args, List<Flags.Spec> specs) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                return i;
            }
            if (!arg.contains("=") && takesValue(specs, arg.substring(2))) {
                i++;
            }
        }
        return args.length;
    }

    /** The folders {@code --plugins.dir} names among a tool's arguments: candidate plugins. */
    static List<Path> candidates(String[] toolArgs) {
        List<Path> dirs = new ArrayList<>();
        for (int i = 1; i < toolArgs.length; i++) {
            String arg = toolArgs[i];
            if (arg.equals("--")) {
                break;
            }
            if (arg.equals("--plugins.dir") && i + 1 < toolArgs.length) {
                dirs.add(Path.of(toolArgs[++i]));
            } else if (arg.startsWith("--plugins.dir=")) {
                dirs.add(Path.of(arg.substring("--plugins.dir=".length())));
            }
        }
        return dirs;
    }

    private static Flags emptyFlags(List<Flags.Spec> specs) {
        try {
            return Flags.parse(specs, List.of());
        } catch (Flags.UsageException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean takesValue(List<Flags.Spec> specs, String name) {
        for (Flags.Spec spec : specs) {
            if (spec.name().equals(name)) {
                return !spec.isBoolean();
            }
        }
        return false;
    }

    /**
     * {@code flagArgs} without its {@code --enable-feature} flags, whose values are added to
     * {@code features}: before a tool's command words they are promtool's global flag, which the
     * tool reads.
     */
    static List<String> withoutFeatures(List<String> flagArgs, List<String> features) {
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < flagArgs.size(); i++) {
            String arg = flagArgs.get(i);
            if (arg.startsWith("--enable-feature=")) {
                features.add(arg.substring("--enable-feature=".length()));
            } else if (arg.equals("--enable-feature") && i + 1 < flagArgs.size()) {
                features.add(flagArgs.get(++i));
            } else {
                rest.add(arg);
            }
        }
        return rest;
    }

    /** Runs the installed tool the command words name, with {@code --enable-feature=F} first for each of {@code features}; returns its exit code. */
    private static int runTool(ToolPath path, List<String> command, List<String> features, PrintStream out, PrintStream err) throws Exception {
        Tools tools = path.tools();
        Tools.Match match = tools.match(command);
        if (match == null) {
            List<String> near = tools.startingWith(command.get(0));
            throw new Flags.UsageException("unknown command '" + String.join(" ", command) + "'"
                    + (near.isEmpty() ? "" : " (installed: " + String.join(", ", near) + ")"));
        }
        try {
            List<String> args = new ArrayList<>();
            features.forEach(f -> args.add("--enable-feature=" + f));
            args.addAll(match.args());
            return match.tool().run(args, out, err);
        } catch (Error e) {
            // A class missing from the flat class path or a failed static initializer: name what failed and where.
            StackTraceElement[] at = e.getStackTrace();
            err.println("promethium: error: " + e + (at.length > 0 ? " at " + at[0] : ""));
            return 1;
        }
    }

}
