package io.promethium.exporter.node.internal;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a /proc or /sys file into a buffer reused from scrape to scrape and walks it by lines and
 * tokens without building strings, except where a label value needs one (then from a small
 * cache keyed by the bytes, so a steady host allocates no new strings). Owned by one collector;
 * not thread-safe.
 */
final class ProcReader {

    private byte[] buf = new byte[4096];
    private int length;
    private int pos;
    private int lineStart;
    private int lineEnd;
    private int tokenStart;
    private int tokenEnd;
    private int cursor;
    private final StringCache strings = new StringCache();

    /** Reads a whole file; a missing one is {@link NoDataException}. */
    ProcReader read(Path path) throws IOException {
        try (FileInputStream in = new FileInputStream(path.toFile())) {
            length = 0;
            while (true) {
                if (length == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                int n = in.read(buf, length, buf.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
        } catch (java.io.FileNotFoundException e) {
            if (!path.toFile().exists()) {
                throw new NoDataException(path + ": no such file");
            }
            throw new IOException(path + ": " + e.getMessage(), e);
        } catch (NoSuchFileException e) {
            throw new NoDataException(path + ": no such file");
        }
        pos = 0;
        lineStart = lineEnd = cursor = 0;
        return this;
    }

    /** Reads a file if it exists; false when it does not or cannot be read. */
    boolean tryRead(Path path) {
        try {
            read(path);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A small file's trimmed text (cached string), or null when it cannot be read (sysfs answers EINVAL for some attributes of a down device). */
    String textOrNull(Path path) {
        return tryRead(path) ? text() : null;
    }

    /** The whole file without surrounding white space, as a cached string. */
    String text() {
        int from = 0;
        int to = length;
        while (from < to && buf[from] <= ' ') {
            from++;
        }
        while (to > from && buf[to - 1] <= ' ') {
            to--;
        }
        return strings.get(buf, from, to);
    }

    /** The whole file as a decimal number (sysfs single values). */
    long longValue(Path path) throws IOException {
        read(path);
        if (!nextLine() || !nextToken()) {
            throw new IOException(path + ": empty");
        }
        return tokenLong();
    }

    /** Moves to the next line; false at the end of the file. */
    boolean nextLine() {
        if (pos >= length) {
            return false;
        }
        lineStart = pos;
        int i = pos;
        while (i < length && buf[i] != '\n') {
            i++;
        }
        lineEnd = i;
        pos = i + 1;
        cursor = lineStart;
        return true;
    }

    boolean lineEmpty() {
        for (int i = lineStart; i < lineEnd; i++) {
            if (buf[i] > ' ') {
                return false;
            }
        }
        return true;
    }

    /** The current line as a string (cached). */
    String line() {
        return strings.get(buf, lineStart, lineEnd);
    }

    /** Moves to the next token of the line, split at white space; false when none is left. */
    boolean nextToken() {
        int i = cursor;
        while (i < lineEnd && (buf[i] == ' ' || buf[i] == '\t')) {
            i++;
        }
        if (i >= lineEnd) {
            cursor = lineEnd;
            return false;
        }
        tokenStart = i;
        while (i < lineEnd && buf[i] != ' ' && buf[i] != '\t') {
            i++;
        }
        tokenEnd = i;
        cursor = i;
        return true;
    }

    /**
     * The text from the cursor (white space skipped) up to {@code c} on this line, as a cached
     * string; the cursor moves past {@code c}. Null when the line has no {@code c}.
     */
    String tokenUntil(char c) {
        int i = cursor;
        while (i < lineEnd && (buf[i] == ' ' || buf[i] == '\t')) {
            i++;
        }
        int start = i;
        while (i < lineEnd && buf[i] != c) {
            i++;
        }
        if (i >= lineEnd) {
            return null;
        }
        cursor = i + 1;
        return strings.get(buf, start, i);
    }

    /** Skips {@code n} tokens; false if the line ended first. */
    boolean skipTokens(int n) {
        for (int i = 0; i < n; i++) {
            if (!nextToken()) {
                return false;
            }
        }
        return true;
    }

    /** The token as a cached string. */
    String token() {
        return strings.get(buf, tokenStart, tokenEnd);
    }

    /** The token without one trailing character (the {@code :} of {@code MemTotal:}). */
    String tokenWithoutLast(char last) {
        int end = tokenEnd > tokenStart && buf[tokenEnd - 1] == last ? tokenEnd - 1 : tokenEnd;
        return strings.get(buf, tokenStart, end);
    }

    boolean tokenIs(String s) {
        if (tokenEnd - tokenStart != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (buf[tokenStart + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    boolean tokenStartsWith(String s) {
        if (tokenEnd - tokenStart < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (buf[tokenStart + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A decimal integer token, optionally signed. */
    long tokenLong() throws IOException {
        return parseLong(tokenStart, tokenEnd);
    }

    /** A hexadecimal token, with or without {@code 0x}. */
    long tokenHex() throws IOException {
        int i = tokenStart;
        if (tokenEnd - i > 2 && buf[i] == '0' && (buf[i + 1] == 'x' || buf[i + 1] == 'X')) {
            i += 2;
        }
        if (i >= tokenEnd) {
            throw malformed();
        }
        long v = 0;
        for (; i < tokenEnd; i++) {
            int d = Character.digit(buf[i], 16);
            if (d < 0) {
                throw malformed();
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** A decimal number token ({@code 12}, {@code -3}, {@code 0.45}). */
    double tokenDouble() throws IOException {
        int dot = -1;
        for (int i = tokenStart; i < tokenEnd; i++) {
            if (buf[i] == '.') {
                dot = i;
                break;
            }
        }
        if (dot < 0) {
            return parseLong(tokenStart, tokenEnd);
        }
        boolean negative = buf[tokenStart] == '-';
        long whole = dot == tokenStart + (negative ? 1 : 0) ? 0 : parseLong(tokenStart, dot);
        long fraction = 0;
        double scale = 1;
        for (int i = dot + 1; i < tokenEnd; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                // Exponents and other rare forms: the slow, exact path.
                return Double.parseDouble(token());
            }
            fraction = fraction * 10 + d;
            scale *= 10;
        }
        double v = Math.abs((double) whole) + fraction / scale;
        return negative ? -v : v;
    }

    private long parseLong(int from, int to) throws IOException {
        if (from >= to) {
            throw malformed();
        }
        boolean negative = buf[from] == '-';
        int i = negative || buf[from] == '+' ? from + 1 : from;
        if (i >= to) {
            throw malformed();
        }
        long v = 0;
        for (; i < to; i++) {
            int d = buf[i] - '0';
            if (d < 0 || d > 9) {
                throw malformed();
            }
            v = v * 10 + d;
        }
        return negative ? -v : v;
    }

    private IOException malformed() {
        return new IOException("malformed number \"" + new String(buf, tokenStart, tokenEnd - tokenStart,
                java.nio.charset.StandardCharsets.ISO_8859_1) + "\" in line \"" + line() + "\"");
    }
}
