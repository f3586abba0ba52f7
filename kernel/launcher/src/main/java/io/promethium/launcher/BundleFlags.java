package io.promethium.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The flags that bundles declare for themselves, so the launcher accepts and documents them
 * without naming any feature. A bundle lists its flags in the manifest header
 * {@value #HEADER}, in OSGi header syntax:
 *
 * <pre>
 * Promethium-Flags: push.disable;type=bool;default=false;help="Switch the push endpoint off.",
 *  push.group-ttl;default=0s;help="Drop groups not pushed for this long (0: never)."
 * </pre>
 *
 * {@code type} is {@code string} (default) or {@code bool}; {@code repeatable=true} makes a list
 * flag that may be given several times (values joined by commas); {@code hidden=true} leaves it out
 * of {@code --help} (a flag for fault tests, as kingpin's Hidden()); {@code {home}} in a default stands
 * for the server's home folder. Every value reaches the bundles as the framework property
 * {@code promethium.flag.<name>}. The jars are read before the framework starts: a jar that cannot
 * be read is skipped here, never fatal (the plugin watcher or the tools report it, once).
 */
final class BundleFlags {

    static final String HEADER = "Promethium-Flags";
    /**
     * The Prometheus feature names ({@code --enable-feature}) a bundle implements, comma separated:
     * {@code Promethium-Features: concurrent-rule-eval}. The bundle reads the flag's value
     * ({@code promethium.flag.enable-feature}) itself.
     */
    static final String FEATURES_HEADER = "Promethium-Features";

    /** What the jars declare: flags, and the {@code --enable-feature} names they implement. */
    record Declared(List<Flags.Spec> flags, java.util.Set<String> features) {
    }

    private BundleFlags() {
    }

    /** The flags declared by the jars in {@code dirs}, in folder then file-name order. */
    static List<Flags.Spec> scan(List<Path> dirs, Path home, PrintStream warnings) {
        return declared(dirs, home, warnings).flags();
    }

    /** The flags and features declared by the jars in {@code dirs}. */
    static Declared declared(List<Path> dirs, Path home, PrintStream warnings) {
        return declared(dirs, home, warnings, new JarHeaders(null));
    }

    /** The flags and features declared by the jars in {@code dirs}, their headers read through {@code headers}. */
    static Declared declared(List<Path> dirs, Path home, PrintStream warnings, JarHeaders headers) {
        List<Flags.Spec> specs = new ArrayList<>();
        java.util.Set<String> features = new java.util.TreeSet<>();
        for (Path dir : dirs) {
            List<JarHeaders.Jar> jars;
            try {
                jars = headers.of(dir);
            } catch (IOException e) {
                warnings.println("promethium: warning: cannot list " + dir + ": " + e.getMessage());
                continue;
            }
            for (JarHeaders.Jar jar : jars) {
                // An unreadable jar is said once by whoever loads it (the plugin watcher, or the tools' class path).
                String declaredFeatures = jar.headers().get(FEATURES_HEADER);
                if (declaredFeatures != null) {
                    for (String feature : declaredFeatures.split(",")) {
                        if (!feature.isBlank()) {
                            features.add(feature.strip());
                        }
                    }
                }
                String header = jar.headers().get(HEADER);
                if (header == null || header.isBlank()) {
                    continue;
                }
                String owner = jar.path().getFileName().toString().replaceFirst("\\.jar$", "");
                try {
                    specs.addAll(parse(header, owner, home));
                } catch (IllegalArgumentException e) {
                    warnings.println("promethium: warning: " + jar.path() + ": bad " + HEADER + " header: " + e.getMessage());
                }
            }
        }
        return new Declared(specs, java.util.Collections.unmodifiableSet(features));
    }

    /** Parses one header value. */
    static List<Flags.Spec> parse(String header, String owner, Path home) {
        List<Flags.Spec> specs = new ArrayList<>();
        for (List<String> clause : clauses(header)) {
            String name = clause.get(0).trim();
            // '_' too: node_exporter's flags name collectors so (--collector.thermal_zone).
            if (!name.matches("[a-z0-9][a-z0-9._\\-]*")) {
                throw new IllegalArgumentException("flag name " + quote(name) + " is not lower-case words joined by ., - or _");
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (String param : clause.subList(1, clause.size())) {
                int eq = param.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("flag " + name + ": parameter " + quote(param.trim()) + " has no value");
                }
                params.put(param.substring(0, eq).trim(), unquote(param.substring(eq + 1).trim()));
            }
            String type = params.getOrDefault("type", "string");
            if (!type.equals("string") && !type.equals("bool")) {
                throw new IllegalArgumentException("flag " + name + ": type " + quote(type) + " is not string or bool");
            }
            for (String key : params.keySet()) {
                if (!List.of("type", "default", "help", "repeatable", "hidden").contains(key)) {
                    throw new IllegalArgumentException("flag " + name + ": unknown parameter " + quote(key));
                }
            }
            boolean bool = type.equals("bool");
            String def = params.getOrDefault("default", bool ? "false" : "").replace("{home}", home.toString());
            if (bool && !def.equals("true") && !def.equals("false")) {
                throw new IllegalArgumentException("flag " + name + ": a bool default is true or false");
            }
            String repeatable = params.getOrDefault("repeatable", "false");
            if (!repeatable.equals("true") && !repeatable.equals("false")) {
                throw new IllegalArgumentException("flag " + name + ": repeatable is true or false");
            }
            String hidden = params.getOrDefault("hidden", "false");
            if (!hidden.equals("true") && !hidden.equals("false")) {
                throw new IllegalArgumentException("flag " + name + ": hidden is true or false");
            }
            specs.add(new Flags.Spec(name, def, params.getOrDefault("help", ""), bool, owner, Boolean.parseBoolean(repeatable),
                    Boolean.parseBoolean(hidden)));
        }
        return specs;
    }

    /** Splits at top-level commas into clauses, and each clause at top-level semicolons. */
    private static List<List<String>> clauses(String header) {
        List<List<String>> clauses = new ArrayList<>();
        List<String> current = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                part.append(c);
            } else if (c == '\\' && quoted && i + 1 < header.length()) {
                part.append(c).append(header.charAt(++i));
            } else if (!quoted && (c == ';' || c == ',')) {
                current.add(part.toString());
                part.setLength(0);
                if (c == ',') {
                    clauses.add(current);
                    current = new ArrayList<>();
                }
            } else {
                part.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote");
        }
        current.add(part.toString());
        clauses.add(current);
        clauses.removeIf(c -> c.size() == 1 && c.get(0).isBlank());
        return clauses;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return value;
    }

    private static String quote(String s) {
        return "'" + s + "'";
    }
}
