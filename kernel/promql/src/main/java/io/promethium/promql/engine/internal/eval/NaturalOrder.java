package io.promethium.promql.engine.internal.eval;

/** Compares strings with digit runs compared as numbers ("a2" before "a10"), as sort_by_label does. */
final class NaturalOrder {

    private NaturalOrder() {
    }

    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = stripZeros(a.substring(si, i));
                String nb = stripZeros(b.substring(sj, j));
                if (na.length() != nb.length()) {
                    return Integer.compare(na.length(), nb.length());
                }
                int c = na.compareTo(nb);
                if (c != 0) {
                    return c;
                }
                continue;
            }
            if (ca != cb) {
                return Character.compare(ca, cb);
            }
            i++;
            j++;
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static String stripZeros(String s) {
        int k = 0;
        while (k < s.length() - 1 && s.charAt(k) == '0') {
            k++;
        }
        return s.substring(k);
    }
}
