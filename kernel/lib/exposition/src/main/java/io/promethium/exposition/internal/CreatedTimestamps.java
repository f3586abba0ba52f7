package io.promethium.exposition.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code <family>_created} samples of one OpenMetrics family, by label set, for Prometheus's
 * created-timestamp ingestion: a counter's, histogram's or summary's samples take the created
 * timestamp of the {@code _created} sample with their labels ({@code le} and {@code quantile}
 * aside). Built once per family, on the first question, by reading the family's lines ahead of
 * the parser (they follow the samples they belong to).
 */
final class CreatedTimestamps {
    private final Map<String, Long> byLabels = new HashMap<>();

    /** Reads the lines from {@code from} up to the next metadata line or the end for {@code created} samples. */
    static CreatedTimestamps scan(byte[] buf, int from, int end, String created) {
        CreatedTimestamps out = new CreatedTimestamps();
        byte[] name = created.getBytes(StandardCharsets.UTF_8);
        int p = from;
        while (p < end && buf[p] != '#') {
            int le = p;
            while (le < end && buf[le] != '\n') {
                le++;
            }
            if (startsWith(buf, p, le, name) && p + name.length < le && (buf[p + name.length] == '{' || buf[p + name.length] == ' ')) {
                out.read(buf, p + name.length, le);
            }
            p = le + 1;
        }
        return out;
    }

    private static boolean startsWith(byte[] buf, int p, int le, byte[] prefix) {
        if (le - p < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf[p + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** One {@code _created} line after its name: labels, value in seconds. Malformed lines are left to the parser's own reading. */
    private void read(byte[] buf, int p, int le) {
        List<String> pairs = new ArrayList<>();
        if (buf[p] == '{') {
            p = labels(buf, p + 1, le, pairs);
            if (p < 0) {
                return;
            }
        }
        if (p >= le || buf[p] != ' ') {
            return;
        }
        int vs = p + 1;
        int ve = vs;
        while (ve < le && buf[ve] != ' ') {
            ve++;
        }
        try {
            double seconds = Double.parseDouble(new String(buf, vs, ve - vs, StandardCharsets.US_ASCII));
            byLabels.put(key(pairs), (long) (seconds * 1000));
        } catch (NumberFormatException e) {
            // The parser reports the line when it reaches it.
        }
    }

    /** Parses {@code name="value",...}} into name/value pairs (values unescaped); returns the position after '}' or -1. */
    private static int labels(byte[] buf, int p, int le, List<String> pairs) {
        while (p < le && buf[p] != '}') {
            int ns = p;
            while (p < le && buf[p] != '=') {
                p++;
            }
            if (p + 1 >= le || buf[p + 1] != '"') {
                return -1;
            }
            String name = new String(buf, ns, p - ns, StandardCharsets.UTF_8);
            p += 2;
            StringBuilder value = new StringBuilder();
            int runStart = p;
            while (p < le && buf[p] != '"') {
                if (buf[p] == '\\' && p + 1 < le) {
                    value.append(new String(buf, runStart, p - runStart, StandardCharsets.UTF_8));
                    byte c = buf[p + 1];
                    value.append(c == 'n' ? '\n' : (char) c);
                    p += 2;
                    runStart = p;
                } else {
                    p++;
                }
            }
            if (p >= le) {
                return -1;
            }
            value.append(new String(buf, runStart, p - runStart, StandardCharsets.UTF_8));
            p++;
            pairs.add(name);
            pairs.add(value.toString());
            if (p < le && buf[p] == ',') {
                p++;
            }
        }
        return p < le ? p + 1 : -1;
    }

    /** A label set without {@code le} and {@code quantile}, as one string independent of label order. */
    static String key(List<String> pairs) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
            String n = pairs.get(i);
            if (!n.equals("le") && !n.equals("quantile")) {
                kept.add(n + '\u0000' + pairs.get(i + 1));
            }
        }
        kept.sort(null);
        return String.join("\u0001", kept);
    }

    /** The created timestamp (ms) for the label set {@code key}, or 0. */
    long get(String key) {
        Long v = byLabels.get(key);
        return v == null ? 0 : v;
    }
}
