package io.promethium.exporter.node.internal;

import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses one textfile ({@code *.prom}, Prometheus text format 0.0.4) into families. Strict as
 * node_exporter is: a syntax error or a sample with a timestamp rejects the whole file, with the
 * line number in the message. Runs only on the few small files of the textfile directory.
 */
final class TextfileParser {

    /** One family as read; {@code help} is null when the file gave none. */
    static final class Family {
        final String name;
        MetricType type = MetricType.UNKNOWN;
        String help;
        final List<Sample> samples = new ArrayList<>();

        Family(String name) {
            this.name = name;
        }
    }

    /** One sample: its full name (with {@code _sum}, {@code _bucket}, ...), labels sorted by name, value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private final String text;
    private final String file;
    private int pos;
    private int lineNumber;

    private TextfileParser(String text, String file) {
        this.text = text;
        this.file = file;
    }

    static List<Family> parse(String text, String file) throws IOException {
        return new TextfileParser(text, file).families();
    }

    private List<Family> families() throws IOException {
        Map<String, Family> families = new LinkedHashMap<>();
        Family current = null;
        while (pos < text.length()) {
            int end = text.indexOf('\n', pos);
            if (end < 0) {
                end = text.length();
            }
            String line = text.substring(pos, end);
            pos = end + 1;
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.substring(1).trim().split("[ \t]+", 3);
                if (parts.length >= 2 && (parts[0].equals("HELP") || parts[0].equals("TYPE"))) {
                    checkName(parts[1]);
                    Family f = families.computeIfAbsent(parts[1], Family::new);
                    if (parts[0].equals("HELP")) {
                        if (f.help != null) {
                            throw error("second HELP line for metric name \"" + parts[1] + "\"");
                        }
                        f.help = parts.length > 2 ? unescapeHelp(parts[2]) : "";
                    } else {
                        if (parts.length < 3) {
                            throw error("TYPE line without a type");
                        }
                        if (!f.samples.isEmpty()) {
                            throw error("TYPE reported for metric " + parts[1] + " after its samples");
                        }
                        try {
                            f.type = MetricType.parse(parts[2].trim());
                        } catch (IllegalArgumentException e) {
                            throw error("unknown metric type \"" + parts[2].trim() + "\"");
                        }
                    }
                    current = f;
                }
                continue;
            }
            Sample sample = sample(line);
            Family owner = current != null && belongs(current, sample.name()) ? current : families.get(sample.name());
            if (owner == null) {
                owner = new Family(sample.name());
                families.put(owner.name, owner);
            }
            if (!belongs(owner, sample.name())) {
                throw error("sample " + sample.name() + " does not belong to family " + owner.name);
            }
            owner.samples.add(sample);
            current = owner;
        }
        return new ArrayList<>(families.values());
    }

    private static boolean belongs(Family f, String sample) {
        if (sample.equals(f.name)) {
            return f.type != MetricType.HISTOGRAM;
        }
        if (!sample.startsWith(f.name)) {
            return false;
        }
        String suffix = sample.substring(f.name.length());
        return switch (f.type) {
            case SUMMARY -> suffix.equals("_sum") || suffix.equals("_count");
            case HISTOGRAM -> suffix.equals("_sum") || suffix.equals("_count") || suffix.equals("_bucket");
            default -> false;
        };
    }

    private Sample sample(String line) throws IOException {
        int i = 0;
        int n = line.length();
        while (i < n && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_' || line.charAt(i) == ':')) {
            i++;
        }
        String name = line.substring(0, i);
        checkName(name);
        Map<String, String> labels = new TreeMap<>();
        if (i < n && line.charAt(i) == '{') {
            i++;
            while (true) {
                while (i < n && line.charAt(i) == ' ') {
                    i++;
                }
                if (i < n && line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int start = i;
                while (i < n && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_')) {
                    i++;
                }
                String label = line.substring(start, i);
                if (label.isEmpty() || Character.isDigit(label.charAt(0))) {
                    throw error("invalid label name in \"" + line + "\"");
                }
                while (i < n && line.charAt(i) == ' ') {
                    i++;
                }
                if (i >= n || line.charAt(i) != '=' || i + 1 >= n || line.charAt(i + 1) != '"') {
                    throw error("expected =\"value\" after label " + label);
                }
                i += 2;
                StringBuilder value = new StringBuilder();
                while (i < n && line.charAt(i) != '"') {
                    char c = line.charAt(i++);
                    if (c == '\\' && i < n) {
                        char e = line.charAt(i++);
                        value.append(e == 'n' ? '\n' : e);
                    } else {
                        value.append(c);
                    }
                }
                if (i >= n) {
                    throw error("unterminated label value in \"" + line + "\"");
                }
                i++;
                if (labels.put(label, value.toString()) != null) {
                    throw error("duplicate label " + label);
                }
                while (i < n && line.charAt(i) == ' ') {
                    i++;
                }
                if (i < n && line.charAt(i) == ',') {
                    i++;
                } else if (i < n && line.charAt(i) != '}') {
                    throw error("expected , or } in \"" + line + "\"");
                }
            }
        }
        String[] rest = line.substring(i).trim().split("[ \t]+");
        if (rest.length == 0 || rest[0].isEmpty()) {
            throw error("no value for " + name);
        }
        if (rest.length > 2) {
            throw error("unexpected text after the value of " + name);
        }
        if (rest.length == 2) {
            throw error("textfile contains unsupported client-side timestamps, skipping entire file");
        }
        return new Sample(name, labels, value(rest[0]));
    }

    private double value(String s) throws IOException {
        switch (s) {
            case "+Inf", "Inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-Inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "NaN" -> {
                return Double.NaN;
            }
            default -> {
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw error("invalid value \"" + s + "\"");
                }
            }
        }
    }

    private void checkName(String name) throws IOException {
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            throw error("invalid metric name \"" + name + "\"");
        }
    }

    private static String unescapeHelp(String s) {
        return s.replace("\\n", "\n").replace("\\\\", "\\");
    }

    private IOException error(String message) {
        return new IOException(file + ":" + lineNumber + ": " + message);
    }
}
