package io.promethium.exposition.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Backslash escapes of the exposition formats. Label values and OpenMetrics help resolve
 * {@code \\}, {@code \"} and {@code \n}; text-format help resolves only {@code \\} and
 * {@code \n}. Any other backslash stays as written, as in Prometheus.
 */
public final class Escapes {

    private Escapes() {
    }

    /** Resolves escapes in UTF-8 bytes; {@code quote} says whether {@code \"} is an escape. */
    public static String unescape(byte[] b, int off, int len, boolean quote) {
        int endAt0 = off + len;
        boolean any = false;
        for (int p = off; p < endAt0; p++) {
            if (b[p] == '\\') {
                any = true;
                break;
            }
        }
        if (!any) {
            return new String(b, off, len, StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(len);
        int endAt = off + len;
        for (int p = off; p < endAt; p++) {
            byte c = b[p];
            if (c == '\\' && p + 1 < endAt) {
                byte n = b[p + 1];
                if (n == '\\') {
                    out.write('\\');
                    p++;
                    continue;
                }
                if (n == 'n') {
                    out.write('\n');
                    p++;
                    continue;
                }
                if (n == '"' && quote) {
                    out.write('"');
                    p++;
                    continue;
                }
            }
            out.write(c);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Escapes a label value: backslash, double quote and newline. */
    public static void escapeLabelValue(StringBuilder sb, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
    }

    /** Escapes help text; OpenMetrics also escapes the double quote. */
    public static void escapeHelp(StringBuilder sb, String v, boolean quote) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '"' -> sb.append(quote ? "\\\"" : "\"");
                default -> sb.append(c);
            }
        }
    }
}
