package io.promethium.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's command-line flags, named as Prometheus's where the concept exists. Parses
 * {@code --name=value}, {@code --name value}, and for booleans {@code --name} / {@code --no-name}.
 */
final class Flags {

    /**
     * One flag: name without dashes, default, help, whether it is a switch, who declared it, and
     * whether it may be given several times (a list flag of Prometheus: the values are joined by commas).
     */
    /** {@code hidden}: accepted, but left out of {@code --help} and the documentation, as kingpin's Hidden() (fault-test flags). */
    record Spec(String name, String defaultValue, String help, boolean isBoolean, String owner, boolean repeatable, boolean hidden) {
        Spec(String name, String defaultValue, String help, boolean isBoolean, String owner, boolean repeatable) {
            this(name, defaultValue, help, isBoolean, owner, repeatable, false);
        }

        Spec(String name, String defaultValue, String help, boolean isBoolean, String owner) {
            this(name, defaultValue, help, isBoolean, owner, false);
        }

        Spec(String name, String defaultValue, String help, boolean isBoolean) {
            this(name, defaultValue, help, isBoolean, LAUNCHER, false);
        }
    }

    /** The owner of the launcher's own flags. */
    static final String LAUNCHER = "launcher";

    /** A command line that could not be parsed. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final List<Spec> specs;
    private final Map<String, String> values;
    /** The flags the command line gave, in order. */
    private final List<String> given;

    private Flags(List<Spec> specs, Map<String, String> values, List<String> given) {
        this.specs = specs;
        this.values = values;
        this.given = given;
    }

    /**
     * The flags the launcher reads itself: the config file it loads and reloads, the listen and
     * external addresses it resolves the external URL from (one value for every bundle), the
     * folders it installs bundles from and caches them in, the feature list it checks, and logging. Every other flag
     * is declared by the bundle that reads it ({@link BundleFlags}).
     */
    static List<Spec> specs(Path home) {
        List<Spec> s = new ArrayList<>();
        s.add(new Spec("config.file", home.resolve("conf/prometheus.yml").toString(), "Promethium configuration file path.", false));
        s.add(new Spec("web.listen-address", "0.0.0.0:9090", "Address to listen on for UI, API, and telemetry. Can be repeated.", false, LAUNCHER, true));
        s.add(new Spec("web.external-url", "", "The URL under which Promethium is externally reachable.", false));
        s.add(new Spec("plugins.dir", home.resolve("plugins").toString(), "Hot-deploy folder: plugin jars dropped here start without a restart.", false));
        s.add(new Spec(FrameworkCache.FLAG, home.resolve("cache").toString(),
                "Folder of the OSGi bundle cache (rebuilt by itself when missing or stale; kept out of the data folder). Not writable: a temporary one.", false));
        s.add(new Spec("plugins.trust-store", "", "Only start plugin jars signed (jarsigner) by a key that chains to a certificate of this file: a PEM bundle, or a PKCS12/JKS store (no password, or 'changeit').", false));
        s.add(new Spec("plugins.scan-interval", "2s", "How long after a change in the plugin folder it is scanned (a jar must hold still that long); where the folder cannot be watched, how often it is scanned.", false));
        s.add(new Spec("bundles.dir", home.resolve("bundles").toString(), "Folder of the core bundles installed at start.", false));
        s.add(new Spec("enable-feature", "",
                "Comma separated feature names to enable (Prometheus's names): see Features below; any other feature of Prometheus is an error.",
                false, LAUNCHER, true));
        s.add(new Spec("log.level", "info", "Only log messages with the given severity or above. One of: [debug, info, warn, error]", false));
        s.add(new Spec("log.format", "logfmt", "Output format of log messages. One of: [logfmt, json]", false));
        return Collections.unmodifiableList(s);
    }

    /**
     * The launcher's flags followed by those bundles declare; a bundle flag whose name is taken
     * already is reported and left out.
     */
    static List<Spec> merge(List<Spec> own, List<Spec> declared, java.io.PrintStream warnings) {
        Map<String, Spec> byName = new LinkedHashMap<>();
        for (Spec spec : own) {
            byName.put(spec.name(), spec);
        }
        for (Spec spec : declared) {
            Spec taken = byName.putIfAbsent(spec.name(), spec);
            if (taken != null) {
                warnings.println("promethium: warning: flag --" + spec.name() + " of " + spec.owner()
                        + " ignored: already declared by " + taken.owner());
            }
        }
        return List.copyOf(byName.values());
    }

    static Flags parse(List<Spec> specs, List<String> args) throws UsageException {
        return parse(specs, java.util.Set.of(), args);
    }

    /** @param features the {@code --enable-feature} names that bundles implement */
    static Flags parse(List<Spec> specs, java.util.Set<String> features, List<String> args) throws UsageException {
        return parse(specs, features, ShippedBundles.NONE, args);
    }

    /**
     * @param features the {@code --enable-feature} names that the installed bundles implement
     * @param shipped what the distribution's bundles declare, to name one that is not installed
     */
    static Flags parse(List<Spec> specs, java.util.Set<String> features, ShippedBundles shipped, List<String> args)
            throws UsageException {
        Map<String, Spec> byName = new LinkedHashMap<>();
        Map<String, String> values = new LinkedHashMap<>();
        for (Spec spec : specs) {
            byName.put(spec.name(), spec);
            values.put(spec.name(), spec.defaultValue());
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<String> given = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument " + quote(arg));
            }
            String body = arg.substring(2);
            String name = body;
            String value = null;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            }
            Spec spec = byName.get(name);
            if (spec == null && name.startsWith("no-") && value == null) {
                Spec negated = byName.get(name.substring(3));
                if (negated != null && negated.isBoolean()) {
                    values.put(negated.name(), "false");
                    continue;
                }
            }
            if (spec == null) {
                String notInstalled = shipped.flagNotInstalled(name);
                String unsupported = notInstalled != null ? notInstalled : PrometheusFlags.unsupported(name);
                throw new UsageException(unsupported != null ? unsupported : "unknown long flag " + quote("--" + name));
            }
            if (spec.isBoolean()) {
                if (value == null) {
                    value = "true";
                } else if (!value.equals("true") && !value.equals("false")) {
                    throw new UsageException("invalid boolean value " + quote(value) + " for flag --" + name);
                }
            } else if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new UsageException("expected argument for flag --" + name);
                }
                value = args.get(++i);
            }
            if (spec.repeatable() && seen.contains(name)) {
                value = values.get(name) + "," + value; // repeatable, as in Prometheus; bundles read the list split at commas
            } else if (seen.contains(name)) {
                // As Prometheus's flag parser: a second value is an error, not a silent override.
                throw new UsageException("flag '" + name + "' cannot be repeated");
            }
            if (seen.add(name)) {
                given.add(name);
            }
            values.put(name, value);
        }
        String level = values.get("log.level");
        if (!List.of("debug", "info", "warn", "error").contains(level)) {
            throw new UsageException("invalid value " + quote(level) + " for flag --log.level, one of: debug, info, warn, error");
        }
        checkFeatures(values.getOrDefault("enable-feature", ""), features, shipped);
        return new Flags(specs, Collections.unmodifiableMap(values), List.copyOf(given));
    }

    /**
     * {@code --enable-feature} takes a comma-separated list, as Prometheus's. A feature a bundle
     * implements is fine; one a shipped bundle implements that is not installed, or a Prometheus
     * feature Promethium refuses, is an error saying why (it would otherwise be silently off); an
     * unknown name is only a warning, as in Prometheus, and a name Prometheus 3 dropped says what
     * became of it.
     */
    static void checkFeatures(String list, java.util.Set<String> implemented, ShippedBundles shipped) throws UsageException {
        for (String feature : list.split(",")) {
            String name = feature.trim();
            if (name.isEmpty() || implemented.contains(name)) {
                continue;
            }
            String notInstalled = shipped.featureNotInstalled(name);
            if (notInstalled != null) {
                throw new UsageException(notInstalled);
            }
            String refused = PrometheusFlags.FEATURES_NOT_SUPPORTED.get(name);
            if (refused != null) {
                throw new UsageException("--enable-feature=" + name + ": this Prometheus feature is not supported by Promethium: " + refused);
            }
            String gone = PrometheusFlags.FEATURES_GONE_IN_3.get(name);
            java.util.logging.Logger.getLogger(Flags.class.getName()).warning(gone != null
                    ? "--enable-feature=" + name + " is no longer a feature in Prometheus 3: " + gone
                    : "Unknown option for --enable-feature: " + name);
        }
    }

    /**
     * As Prometheus: server-only flags given with {@code --agent}, or agent-only flags given
     * without it, are an error (exit code 3) naming them; null when the mode and flags agree.
     */
    String modeConflict() {
        boolean agent = Boolean.parseBoolean(values.getOrDefault("agent", "false"));
        List<String> wrong = new ArrayList<>();
        for (String name : given) {
            if (agent ? PrometheusFlags.SERVER_ONLY.contains(name) : PrometheusFlags.AGENT_ONLY.contains(name)) {
                wrong.add("\"--" + name + "\"");
            }
        }
        if (wrong.isEmpty()) {
            return null;
        }
        return (agent ? "The following flag(s) can not be used in agent mode: [" : "The following flag(s) can only be used in agent mode: [")
                + String.join(" ", wrong) + "]";
    }

    String get(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no flag " + name);
        }
        return value;
    }

    boolean bool(String name) {
        return Boolean.parseBoolean(get(name));
    }

    Map<String, String> all() {
        return values;
    }

    static String usage(List<Spec> specs) {
        return usage(specs, java.util.Set.of());
    }

    static String usage(List<Spec> specs, java.util.Set<String> features) {
        return usage(specs, features, List.of());
    }

    /** @param commands one line per installed tool ({@link Tools#usageLines()}) */
    static String usage(List<Spec> specs, java.util.Set<String> features, List<String> commands) {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: promethium [<flags>] [<command> [<args> ...]]\n\n");
        sb.append("The Promethium monitoring server.\n\n");
        sb.append("Commands (the tools of the installed bundles and plugins):\n");
        sb.append("  server (default)                  Run the server.\n");
        for (String command : commands) {
            sb.append(command).append('\n');
        }
        sb.append('\n');
        sb.append("Flags:\n");
        sb.append("  -h, --help                       Show this help.\n");
        sb.append("      --version                    Show the version.\n");
        String owner = LAUNCHER;
        for (Spec spec : specs) {
            if (spec.hidden()) {
                continue;
            }
            if (!spec.owner().equals(owner)) {
                owner = spec.owner();
                sb.append("\nFlags of ").append(owner).append(":\n");
            }
            String head = "      --" + spec.name() + (spec.isBoolean() ? "" : "=" + placeholder(spec.name()));
            sb.append(head);
            sb.append(" ".repeat(Math.max(1, 48 - head.length())));
            sb.append(spec.help());
            if (!spec.defaultValue().isEmpty() && !spec.isBoolean()) {
                sb.append(" Default: ").append(spec.defaultValue());
            }
            sb.append('\n');
        }
        if (!features.isEmpty()) {
            sb.append("\nFeatures (--enable-feature=NAME,...):\n      ").append(String.join(", ", features)).append('\n');
        }
        sb.append("\nFeatures Prometheus 3 removed (a warning, as Prometheus 3; what became of them):\n");
        for (Map.Entry<String, String> gone : new java.util.TreeMap<>(PrometheusFlags.FEATURES_GONE_IN_3).entrySet()) {
            sb.append("      ").append(gone.getKey()).append(": ").append(gone.getValue()).append('\n');
        }
        return sb.toString();
    }

    /** The flags as a Markdown table, as Prometheus's {@code --write-documentation} writes its own. */
    static String documentation(List<Spec> specs, java.util.Set<String> features) {
        StringBuilder sb = new StringBuilder();
        sb.append("---\ntitle: promethium\n---\n\n# promethium\n\nThe Promethium monitoring server\n\n## Flags\n\n");
        sb.append("| Flag | Description | Default | Declared by |\n| --- | --- | --- | --- |\n");
        sb.append("| <code class=\"text-nowrap\">-h</code>, <code class=\"text-nowrap\">--help</code> | Show help. |  |  |\n");
        sb.append("| <code class=\"text-nowrap\">--version</code> | Show application version. |  |  |\n");
        for (Spec spec : specs) {
            if (spec.hidden()) {
                continue;
            }
            sb.append("| <code class=\"text-nowrap\">--").append(spec.name()).append("</code> | ")
                    .append(spec.help().replace("|", "\\|")).append(" | ")
                    .append(spec.defaultValue().isEmpty() ? "" : "`" + spec.defaultValue() + "`").append(" | ")
                    .append(spec.owner()).append(" |\n");
        }
        if (!features.isEmpty()) {
            sb.append("\n## Features\n\n");
            for (String feature : features) {
                sb.append("- `").append(feature).append("`\n");
            }
        }
        sb.append("\n## Features Prometheus 3 removed\n\nAccepted with a warning, as Prometheus 3 does:\n\n");
        for (Map.Entry<String, String> gone : new java.util.TreeMap<>(PrometheusFlags.FEATURES_GONE_IN_3).entrySet()) {
            sb.append("- `").append(gone.getKey()).append("`: ").append(gone.getValue()).append('\n');
        }
        return sb.toString();
    }

    private static String placeholder(String name) {
        int dot = name.lastIndexOf('.');
        return name.substring(dot + 1).toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    }

    private static String quote(String s) {
        return "'" + s + "'";
    }
}
