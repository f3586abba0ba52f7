package io.promethium.web.tool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command line parsed as promtool's kingpin parses it: {@code --name=value} or
 * {@code --name value} for valued flags, {@code --name} for boolean ones, repeatable flags
 * collected in order, and the remaining words as positional arguments.
 */
record Flags(Map<String, List<String>> values, List<String> positional) {

    /** A flag that is neither valued nor boolean, or a valued one without its value. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    static Flags parse(List<String> args, Set<String> valued, Set<String> booleans) throws UsageException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.equals("--")) {
                positional.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            if (valued.contains(name)) {
                String value;
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException("expected argument for flag '--" + name + "'");
                }
                values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else if (booleans.contains(name) && eq < 0) {
                values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else {
                throw new UsageException("unknown long flag '--" + name + "'");
            }
        }
        return new Flags(values, positional);
    }

    /** The last value of a flag, or {@code fallback}. */
    String value(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    /** Every value of a repeatable flag, in order. */
    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    boolean has(String name) {
        return values.containsKey(name);
    }
}
