package io.promethium.exporter.node.internal;

import java.nio.charset.StandardCharsets;

/**
 * Strings by their bytes, so parsing the same device names and keys on every scrape returns the
 * same instances instead of new ones. Bounded: when full it starts over. Not thread-safe.
 */
final class StringCache {

    private static final int SIZE = 1024;

    private final String[] strings = new String[SIZE];
    private int count;

    String get(byte[] buf, int from, int to) {
        int hash = 1;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + buf[i];
        }
        int slot = (hash ^ (hash >>> 16)) & (SIZE - 1);
        for (int probe = 0; probe < 8; probe++) {
            String s = strings[(slot + probe) & (SIZE - 1)];
            if (s == null) {
                break;
            }
            if (equal(s, buf, from, to)) {
                return s;
            }
        }
        String s = new String(buf, from, to - from, StandardCharsets.UTF_8);
        if (count >= SIZE / 2) {
            java.util.Arrays.fill(strings, null);
            count = 0;
        }
        for (int probe = 0; probe < 8; probe++) {
            int i = (slot + probe) & (SIZE - 1);
            if (strings[i] == null) {
                strings[i] = s;
                count++;
                break;
            }
        }
        return s;
    }

    private static boolean equal(String s, byte[] buf, int from, int to) {
        if (s.length() != to - from) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != (char) (buf[from + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
