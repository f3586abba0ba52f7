package io.promethium.api.tool;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link Tool}'s arguments read as Prometheus's promtool (Go's kingpin parser) reads them, so a
 * tool takes the same command lines and fails with the same words:
 * <ul>
 * <li>{@code --name=value} or {@code --name value} for a valued flag, {@code -n value} or
 * {@code -nvalue} for its short form; a flag given several times keeps every value in order;</li>
 * <li>{@code --name} and {@code --no-name} for a boolean flag, {@code -n} for its short form, short
 * booleans combined as {@code -qr};</li>
 * <li>{@code --} ends the flags; {@code -} and every other word is a positional argument;</li>
 * <li>{@code --enable-feature=NAME,...}, promtool's global flag, is taken by every reader, as
 * every promtool command takes it ({@link #features(PrintStream)}, since 1.2.0).</li>
 * </ul>
 * Usage errors are {@link UsageException}s worded as kingpin's: {@code unknown long flag '--x'},
 * {@code unknown short flag '-x'}, {@code expected argument for flag '--x'},
 * {@code enum value must be one of a,b, got 'c'}, {@code required flag --x not provided},
 * {@code required argument 'x' not provided}, {@code unexpected x}. promtool prints them as
 * {@code promtool: error: MESSAGE, try --help} and exits 1.
 *
 * <pre>{@code
 * static final CommandLine.Reader READER = CommandLine.reader()
 *         .valued("url").choice("format", "promql", "json").shortName('o', "format").bool("quiet");
 * CommandLine line = READER.read(args);                  // throws UsageException
 * List<String> files = line.arguments(1, Integer.MAX_VALUE, "file");
 * String url = line.value("url", "http://localhost:9090");
 * }</pre>
 *
 * <p>Written here rather than taken from picocli or jopt-simple: the tools must word their errors
 * as promtool does byte for byte (their tests compare with the real promtool), which those
 * libraries word their own way, and this package is the plugins' only view of the platform, so
 * what a plugin's tool needs to read its arguments has to live in the api bundle, which has no
 * dependencies of its own.
 */
public final class CommandLine {

    /** promtool's global flag of feature names, taken by every reader (since 1.2.0). */
    public static final String ENABLE_FEATURE = "enable-feature";

    /**
     * The names Prometheus 3's promtool knows for {@code --enable-feature} (its {@code main.go});
     * {@code promql-duration-expr} is one it accepts and ignores, duration expressions being
     * always on (since 1.2.0).
     */
    public static final Set<String> PROMTOOL_FEATURES = Set.of("promql-experimental-functions", "promql-delayed-name-removal",
            "promql-duration-expr", "promql-extended-range-selectors", "promql-binop-fill-modifiers");

    private final Map<String, List<String>> values;
    private final List<String> positional;

    private CommandLine(Map<String, List<String>> values, List<String> positional) {
        this.values = values;
        this.positional = positional;
    }

    /** A reader that knows no flag yet but promtool's global {@code --enable-feature}. */
    public static Reader reader() {
        return new Reader(Map.of(ENABLE_FEATURE, new Reader.Valued(List.of())), Map.of());
    }

    /** The positional arguments, in order. */
    public List<String> positional() {
        return positional;
    }

    /**
     * The positional arguments, checked: at least {@code min} and at most {@code max} (use
     * {@link Integer#MAX_VALUE} for no limit), named by {@code names} in usage errors (the last
     * name stands for every argument after it).
     *
     * @throws UsageException {@code required argument 'NAME' not provided} or
     *     {@code unexpected WORD}
     */
    public List<String> arguments(int min, int max, String... names) throws UsageException {
        if (positional.size() < min) {
            String name = names.length == 0 ? "arg" : names[Math.min(positional.size(), names.length - 1)];
            throw new UsageException("required argument '" + name + "' not provided");
        }
        if (positional.size() > max) {
            throw new UsageException("unexpected " + positional.get(max));
        }
        return positional;
    }

    /** {@link #arguments(int, int, String...)} with exactly the named arguments. */
    public List<String> arguments(String... names) throws UsageException {
        return arguments(names.length, names.length, names);
    }

    /** Whether the flag was given. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The flag's last value, or {@code fallback} when it was not given. */
    public String value(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    /**
     * The flag's last value.
     *
     * @throws UsageException {@code required flag --NAME not provided}
     */
    public String required(String name) throws UsageException {
        List<String> v = values.get(name);
        if (v == null) {
            throw new UsageException("required flag --" + name + " not provided");
        }
        return v.get(v.size() - 1);
    }

    /** Every value of the flag, in the order given; empty when it was not given. */
    public List<String> values(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** A boolean flag: true after {@code --name}, false after {@code --no-name} or when not given. */
    public boolean flag(String name) {
        return Boolean.parseBoolean(value(name, "false"));
    }

    /**
     * The feature names given to {@code --enable-feature} (each value a comma-separated list, as
     * promtool's), in order, each once, empty names left out (since 1.2.0).
     */
    public Set<String> features() {
        Set<String> names = new LinkedHashSet<>();
        for (String value : values(ENABLE_FEATURE)) {
            for (String name : value.split(",", -1)) {
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return java.util.Collections.unmodifiableSet(names);
    }

    /**
     * {@link #features()}, after printing on {@code out} promtool's warning for each name it does
     * not know ({@link #PROMTOOL_FEATURES}), each time it is given:
     * {@code   WARNING: Unknown feature passed to --enable-feature: NAME}, without a line break
     * (promtool prints it with {@code Printf} and no newline, so what it prints next follows on
     * that line). promtool prints these before anything else, so a tool calls this first (since 1.2.0).
     */
    public Set<String> features(PrintStream out) {
        for (String value : values(ENABLE_FEATURE)) {
            for (String name : value.split(",", -1)) {
                if (!name.isEmpty() && !PROMTOOL_FEATURES.contains(name)) {
                    out.print("  WARNING: Unknown feature passed to --enable-feature: " + name);
                }
            }
        }
        return features();
    }

    /** A command line that is not what the tool takes; the message is what follows promtool's {@code error: }. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * The flags a tool takes. Immutable: each method returns a new reader, so a tool may keep one
     * in a constant.
     */
    public static final class Reader {

        /** How a declared flag takes its value. */
        private sealed interface Kind {
        }

        private record Valued(List<String> choices) implements Kind {
        }

        private record Bool() implements Kind {
        }

        private record Refused(String reason) implements Kind {
        }

        private final Map<String, Kind> flags;
        private final Map<Character, String> shortNames;

        private Reader(Map<String, Kind> flags, Map<Character, String> shortNames) {
            this.flags = flags;
            this.shortNames = shortNames;
        }

        /** Flags that take a value ({@code --name=value}, {@code --name value}), repeatable. */
        public Reader valued(String... names) {
            Reader r = this;
            for (String name : names) {
                r = r.with(name, new Valued(List.of()));
            }
            return r;
        }

        /** A valued flag whose value must be one of {@code choices} (kingpin's {@code Enum}). */
        public Reader choice(String name, String... choices) {
            return with(name, new Valued(List.of(choices)));
        }

        /** Boolean flags: {@code --name} sets, {@code --no-name} clears. */
        public Reader bool(String... names) {
            Reader r = this;
            for (String name : names) {
                r = r.with(name, new Bool());
            }
            return r;
        }

        /**
         * A flag of the Prometheus tool this tool cannot honour: given (with or without a value), it
         * is a usage error whose message is {@code reason}, rather than accepted and ignored.
         */
        public Reader refused(String name, String reason) {
            return with(name, new Refused(Objects.requireNonNull(reason, "reason")));
        }

        /** {@code -c} as the short form of the declared flag {@code --name}. */
        public Reader shortName(char c, String name) {
            if (!flags.containsKey(name)) {
                throw new IllegalArgumentException("short name -" + c + " for undeclared flag --" + name);
            }
            Map<Character, String> s = new HashMap<>(shortNames);
            s.put(c, name);
            return new Reader(flags, Map.copyOf(s));
        }

        private Reader with(String name, Kind kind) {
            if (name.isEmpty() || name.startsWith("-") || name.contains("=")) {
                throw new IllegalArgumentException("not a flag name: '" + name + "'");
            }
            Map<String, Kind> f = new HashMap<>(flags);
            f.put(name, kind);
            return new Reader(Map.copyOf(f), shortNames);
        }

        /**
         * Reads a command line.
         *
         * @throws UsageException for an undeclared flag, a valued flag without its value, a value
         *     outside a flag's choices, a refused flag, or a value given to a boolean flag
         */
        public CommandLine read(List<String> args) throws UsageException {
            Map<String, List<String>> values = new LinkedHashMap<>();
            List<String> positional = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.equals("--")) {
                    positional.addAll(args.subList(i + 1, args.size()));
                    break;
                }
                if (arg.startsWith("--")) {
                    i = readLong(args, i, values);
                } else if (arg.startsWith("-") && arg.length() > 1) {
                    i = readShort(args, i, values);
                } else {
                    positional.add(arg);
                }
            }
            Map<String, List<String>> frozen = new LinkedHashMap<>();
            values.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
            return new CommandLine(java.util.Collections.unmodifiableMap(frozen), List.copyOf(positional));
        }

        /** Reads the long flag at {@code i}; returns the index of the last word it used. */
        private int readLong(List<String> args, int i, Map<String, List<String>> values) throws UsageException {
            String arg = args.get(i);
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            String inline = eq < 0 ? null : arg.substring(eq + 1);
            Kind kind = flags.get(name);
            if (kind == null && name.startsWith("no-") && flags.get(name.substring(3)) instanceof Bool) {
                if (inline != null) {
                    throw new UsageException("unexpected " + inline);
                }
                add(values, name.substring(3), "false");
                return i;
            }
            return switch (kind) {
                case null -> throw new UsageException("unknown long flag '--" + name + "'");
                case Refused r -> throw new UsageException(r.reason());
                case Bool b -> {
                    if (inline != null) {
                        // kingpin gives a boolean no value: it reads the word after '=' as an argument
                        throw new UsageException("unexpected " + inline);
                    }
                    add(values, name, "true");
                    yield i;
                }
                case Valued v -> {
                    if (inline != null) {
                        add(values, name, checked(v, inline));
                        yield i;
                    }
                    if (i + 1 >= args.size()) {
                        throw new UsageException("expected argument for flag '--" + name + "'");
                    }
                    add(values, name, checked(v, args.get(i + 1)));
                    yield i + 1;
                }
            };
        }

        /** Reads the short flags at {@code i} ({@code -q}, {@code -qr}, {@code -o json}, {@code -ojson}). */
        private int readShort(List<String> args, int i, Map<String, List<String>> values) throws UsageException {
            String arg = args.get(i);
            for (int k = 1; k < arg.length(); k++) {
                String name = shortNames.get(arg.charAt(k));
                Kind kind = name == null ? null : flags.get(name);
                switch (kind) {
                    case null -> throw new UsageException("unknown short flag '-" + arg.charAt(k) + "'");
                    case Refused r -> throw new UsageException(r.reason());
                    case Bool b -> add(values, name, "true");
                    case Valued v -> {
                        if (k + 1 < arg.length()) {
                            add(values, name, checked(v, arg.substring(k + 1)));
                            return i;
                        }
                        if (i + 1 >= args.size()) {
                            throw new UsageException("expected argument for flag '-" + arg.charAt(k) + "'");
                        }
                        add(values, name, checked(v, args.get(i + 1)));
                        return i + 1;
                    }
                }
            }
            return i;
        }

        private static String checked(Valued v, String value) throws UsageException {
            if (!v.choices().isEmpty() && !v.choices().contains(value)) {
                throw new UsageException("enum value must be one of " + String.join(",", v.choices()) + ", got '" + value + "'");
            }
            return value;
        }

        private static void add(Map<String, List<String>> values, String name, String value) {
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
    }
}
