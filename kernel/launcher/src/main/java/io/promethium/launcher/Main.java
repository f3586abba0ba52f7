package io.promethium.launcher;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code promethium [flags] [command args...]}: with no command (or {@code server}) runs the
 * server; {@code check config FILE...} validates config files; {@code tsdb ...} runs the TSDB
 * tools. Unknown flags print usage and exit 2, as Prometheus does.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path home = Path.of(System.getProperty("promethium.home", ".")).toAbsolutePath().normalize();
        List<Path> jarDirs = List.of(Path.of(preScan(args, "bundles.dir", home.resolve("bundles").toString())),
                Path.of(preScan(args, "plugins.dir", home.resolve("plugins").toString())));
        JarHeaders headers = new JarHeaders(JarHeaders.defaultCacheRoot());
        BundleFlags.Declared declared = BundleFlags.declared(jarDirs, home, err, headers);
        List<Flags.Spec> specs = Flags.merge(Flags.specs(home), declared.flags(), err);
        java.util.Set<String> features = new java.util.TreeSet<>(declared.features());
        List<String> flagArgs = new ArrayList<>();
        List<String> command = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                out.print(Flags.usage(specs, features));
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
        try {
            switch (verb) {
                case "server" -> {
                    if (command.size() > 1) {
                        throw new Flags.UsageException("unexpected argument '" + command.get(1) + "'");
                    }
                    Flags flags = Flags.parse(specs, features, flagArgs);
                    String conflict = flags.modeConflict();
                    if (conflict != null) {
                        err.println(conflict);
                        return 3;
                    }
                    LogSetup.configure(flags.get("log.level"), flags.get("log.format").equals("json"));
                    return new Server(flags, home).run();
                }
                case "check" -> {
                    if (command.size() < 3 || !List.of("config", "rules", "alertmanager-config").contains(command.get(1))) {
                        throw new Flags.UsageException("usage: promethium check config|rules|alertmanager-config FILE...");
                    }
                    Flags flags = Flags.parse(specs, features, flagArgs);
                    String tool = switch (command.get(1)) {
                        case "config" -> "io.promethium.config.tool.CheckConfig";
                        case "rules" -> "io.promethium.rules.tool.CheckRules";
                        default -> "io.promethium.alertmanager.tool.CheckAlertmanagerConfig";
                    };
                    return runTool(flags, tool, command.subList(2, command.size()), err, headers);
                }
                case "test" -> {
                    if (command.size() < 3 || !command.get(1).equals("rules")) {
                        throw new Flags.UsageException("usage: promethium test rules FILE...");
                    }
                    Flags flags = Flags.parse(specs, features, flagArgs);
                    return runTool(flags, "io.promethium.rules.tool.TestRules", command.subList(2, command.size()), err, headers);
                }
                case "tsdb" -> {
                    Flags flags = Flags.parse(specs, features, flagArgs);
                    return runTool(flags, "io.promethium.tsdb.tool.TsdbTool", command.subList(1, command.size()), err, headers);
                }
                default -> throw new Flags.UsageException("unknown command '" + verb + "'");
            }
        } catch (Flags.UsageException e) {
            err.println("promethium: error: " + e.getMessage() + ", try --help");
            err.print(Flags.usage(specs, features));
            return 2;
        } catch (Exception e) {
            err.println("promethium: error: " + e);
            return 1;
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

    /** Runs a tool's {@code main} on a flat class path of the bundles and plugins, returning its exit code. */
    private static int runTool(Flags flags, String mainClass, List<String> args, PrintStream err, JarHeaders headers) throws Exception {
        LogSetup.configure(flags.get("log.level"), flags.get("log.format").equals("json"));
        URLClassLoader loader = FlatClasspath.of(List.of(Path.of(flags.get("bundles.dir")), Path.of(flags.get("plugins.dir"))), err, headers);
        Thread.currentThread().setContextClassLoader(loader);
        Class<?> tool;
        try {
            tool = Class.forName(mainClass, true, loader);
        } catch (ClassNotFoundException e) {
            err.println("promethium: error: tool " + mainClass + " is not installed in " + flags.get("bundles.dir"));
            return 1;
        }
        Method main = tool.getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) args.toArray(String[]::new));
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            // An Error (a class missing from the flat class path, a failed static initializer) would
            // otherwise show as a bare InvocationTargetException: name what failed and where.
            Throwable cause = e.getCause();
            StackTraceElement[] at = cause.getStackTrace();
            err.println("promethium: error: " + cause + (at.length > 0 ? " at " + at[0] : ""));
            return 1;
        }
        return 0;
    }

}
