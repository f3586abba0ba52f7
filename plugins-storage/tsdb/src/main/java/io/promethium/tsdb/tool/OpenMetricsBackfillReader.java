package io.promethium.tsdb.tool;

import io.promethium.api.model.Labels;
import java.io.BufferedReader;
import java.io.IOException;

/**
 * A small OpenMetrics text reader for backfill files: {@code name{labels} value timestamp} lines
 * (timestamp in seconds, as OpenMetrics writes it), {@code #} lines skipped, {@code # EOF} ends
 * the input. Exemplars after a sample are ignored. A stop-gap until the shared parser of
 * {@code kernel/exposition} can be used here; errors name the line and column.
 */
final class OpenMetricsBackfillReader {

    /** Receives each sample. */
    interface Sink {
        void sample(Labels labels, long timestampMillis, double value) throws IOException;
    }

    private final String source;
    private String line;
    private int pos;
    private int lineNo;

    OpenMetricsBackfillReader(String source) {
        this.source = source;
    }

    /** Reads to {@code # EOF} or the end; returns the number of samples. */
    long read(BufferedReader in, Sink sink) throws IOException {
        long n = 0;
        boolean eof = false;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (eof) {
                if (!line.isEmpty()) {
                    throw error(0, "content after # EOF");
                }
                continue;
            }
            if (line.startsWith("#")) {
                if (line.equals("# EOF")) {
                    eof = true;
                }
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            pos = 0;
            Labels.Builder b = Labels.builder();
            String name = name();
            b.set(Labels.METRIC_NAME, name);
            if (peek() == '{') {
                pos++;
                labels(b);
            }
            expect(' ');
            double value = value();
            if (pos >= line.length() || line.charAt(pos) != ' ') {
                throw error(pos, "sample without timestamp cannot be backfilled");
            }
            pos++;
            long t = timestamp();
            if (pos < line.length() && !line.startsWith(" # ", pos)) {
                throw error(pos, "unexpected text after timestamp");
            }
            sink.sample(b.build(), t, value);
            n++;
        }
        return n;
    }

    private IOException error(int col, String what) {
        return new IOException(source + ":" + lineNo + ":" + (col + 1) + ": " + what);
    }

    private char peek() {
        return pos < line.length() ? line.charAt(pos) : '\0';
    }

    private void expect(char c) throws IOException {
        if (peek() != c) {
            throw error(pos, "expected '" + c + "'");
        }
        pos++;
    }

    private String name() throws IOException {
        int start = pos;
        while (pos < line.length()) {
            char c = line.charAt(pos);
            if (Character.isLetterOrDigit(c) || c == '_' || c == ':') {
                pos++;
            } else {
                break;
            }
        }
        if (start == pos || Character.isDigit(line.charAt(start))) {
            throw error(start, "expected a metric or label name");
        }
        return line.substring(start, pos);
    }

    private void labels(Labels.Builder b) throws IOException {
        if (peek() == '}') {
            pos++;
            return;
        }
        while (true) {
            String name = name();
            expect('=');
            expect('"');
            StringBuilder v = new StringBuilder();
            while (true) {
                if (pos >= line.length()) {
                    throw error(pos, "unterminated label value");
                }
                char c = line.charAt(pos++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    char e = peek();
                    pos++;
                    switch (e) {
                        case 'n' -> v.append('\n');
                        case '\\' -> v.append('\\');
                        case '"' -> v.append('"');
                        default -> throw error(pos - 2, "invalid escape \\" + e);
                    }
                } else {
                    v.append(c);
                }
            }
            if (!b.get(name).isEmpty()) {
                throw error(pos, "duplicate label " + name);
            }
            b.set(name, v.toString());
            if (peek() == ',') {
                pos++;
                if (peek() == '}') {
                    pos++;
                    return;
                }
                continue;
            }
            expect('}');
            return;
        }
    }

    private String token() {
        int start = pos;
        while (pos < line.length() && line.charAt(pos) != ' ') {
            pos++;
        }
        return line.substring(start, pos);
    }

    private double value() throws IOException {
        int start = pos;
        String t = token();
        switch (t) {
            case "NaN":
                return Double.NaN;
            case "+Inf", "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    if (t.isEmpty() || t.endsWith("d") || t.endsWith("f") || t.endsWith("D") || t.endsWith("F")) {
                        throw new NumberFormatException();
                    }
                    return Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw error(start, "invalid value \"" + t + "\"");
                }
        }
    }

    private long timestamp() throws IOException {
        int start = pos;
        String t = token();
        try {
            return new java.math.BigDecimal(t).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw error(start, "invalid timestamp \"" + t + "\"");
        }
    }
}
