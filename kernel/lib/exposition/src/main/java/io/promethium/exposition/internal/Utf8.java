package io.promethium.exposition.internal;

/** Strict UTF-8 validation of a byte range: no overlong forms, no surrogates, nothing above U+10FFFF. */
final class Utf8 {

    private Utf8() {
    }

    static boolean isValid(byte[] b, int from, int to) {
        int p = from;
        while (p < to) {
            int c = b[p] & 0xff;
            if (c < 0x80) {
                p++;
                continue;
            }
            int n;
            int min;
            int cp;
            if (c >= 0xc2 && c <= 0xdf) {
                n = 1;
                min = 0x80;
                cp = c & 0x1f;
            } else if (c >= 0xe0 && c <= 0xef) {
                n = 2;
                min = 0x800;
                cp = c & 0x0f;
            } else if (c >= 0xf0 && c <= 0xf4) {
                n = 3;
                min = 0x10000;
                cp = c & 0x07;
            } else {
                return false;
            }
            if (p + n >= to) {
                return false;
            }
            for (int i = 1; i <= n; i++) {
                int d = b[p + i] & 0xff;
                if ((d & 0xc0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (d & 0x3f);
            }
            if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
                return false;
            }
            p += n + 1;
        }
        return true;
    }
}
