package io.promethium.web.internal.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prometheus 3.14's search filters ({@code web/api/v1/search_filters.go}, {@code
 * util/strutil/subsequence.go} and {@code jarowinkler.go}): whether a name or value matches the
 * {@code search[]} terms, and its score. The arithmetic follows Go's operation by operation so
 * that scores are the same doubles. Go works on runes where a string is not ASCII; here every
 * string is taken as its code points, which for ASCII is the same as Go's byte path.
 */
public final class SearchFilter {

    /** A value's verdict: accepted or not, with its score. */
    public record Verdict(boolean accepted, double score) {
        static final Verdict REJECTED = new Verdict(false, 0.0);
    }

    private interface Term {
        Verdict accept(String value);
    }

    private final List<Term> terms;
    private final boolean caseSensitive;

    private SearchFilter(List<Term> terms, boolean caseSensitive) {
        this.terms = terms;
        this.caseSensitive = caseSensitive;
    }

    /**
     * The filter of Prometheus's {@code buildSearchFilter}: empty terms are skipped; null when no
     * term remains (every value is accepted with score 1).
     *
     * @param threshold {@code fuzz_threshold}, 0 to 100
     * @param algorithm {@code subsequence} or {@code jarowinkler}
     */
    public static SearchFilter of(List<String> searches, int threshold, String algorithm, boolean caseSensitive) {
        double t = threshold / 100.0;
        List<Term> terms = new ArrayList<>();
        for (String s : searches) {
            if (s.isEmpty()) {
                continue;
            }
            String q = caseSensitive ? s : s.toLowerCase(Locale.ROOT);
            if (algorithm.equals("subsequence")) {
                terms.add(value -> subsequence(q, t, value));
            } else {
                // Substring, else Jaro-Winkler (only with a threshold above 0).
                boolean fuzzy = threshold > 0;
                terms.add(value -> {
                    Verdict v = substring(q, value);
                    if (v.accepted() || !fuzzy) {
                        return v;
                    }
                    double score = jaroWinkler(q, value);
                    return new Verdict(score >= t, score);
                });
            }
        }
        return terms.isEmpty() ? null : new SearchFilter(List.copyOf(terms), caseSensitive);
    }

    /** Any term accepting, with the best score (Go's {@code orSearchesFilter}, stopping at 1.0). */
    public Verdict accept(String value) {
        String v = caseSensitive ? value : value.toLowerCase(Locale.ROOT);
        if (terms.size() == 1) {
            return terms.get(0).accept(v);
        }
        double max = 0;
        boolean accepted = false;
        for (Term term : terms) {
            Verdict verdict = term.accept(v);
            if (!verdict.accepted()) {
                continue;
            }
            accepted = true;
            if (verdict.score() > max) {
                max = verdict.score();
            }
            if (max >= 1.0) {
                return new Verdict(true, max);
            }
        }
        return new Verdict(accepted, max);
    }

    /** Go's {@code SubstringFilter}: a prefix scores 1, a later match less, by its position in characters. */
    static Verdict substring(String query, String value) {
        if (query.isEmpty()) {
            return new Verdict(true, 1.0);
        }
        int idx = value.indexOf(query);
        if (idx < 0) {
            return Verdict.REJECTED;
        }
        if (idx == 0) {
            return new Verdict(true, 1.0);
        }
        int pos = value.codePointCount(0, idx);
        int maxPos = value.codePointCount(0, value.length()) - query.codePointCount(0, query.length());
        if (maxPos <= 0) {
            return new Verdict(true, 1.0);
        }
        return new Verdict(true, 1.0 - 0.9 * (double) pos / (double) maxPos);
    }

    /** Go's {@code SubsequenceFilter}: a prefix scores 1; else the subsequence score, 0 rejecting. */
    static Verdict subsequence(String query, double threshold, String value) {
        if (value.startsWith(query)) {
            return new Verdict(true, 1.0);
        }
        double score = subsequenceScore(query, value);
        return new Verdict(score > 0 && score >= threshold, score);
    }

    /** Go's {@code SubsequenceMatcher.Score}. */
    static double subsequenceScore(String pattern, String text) {
        if (pattern.isEmpty()) {
            return 1.0;
        }
        if (text.isEmpty()) {
            return 0.0;
        }
        if (pattern.equals(text)) {
            return 1.0;
        }
        int[] p = pattern.codePoints().toArray();
        int[] t = text.codePoints().toArray();
        int patternLen = p.length;
        int textLen = t.length;
        double invTextLen = 1.0 / (double) textLen;
        double best = -1.0;
        for (int start = 0; start <= textLen - patternLen; start++) {
            if (t[start] != p[0]) {
                continue;
            }
            // Greedy match from start: runs of consecutive characters score their length squared,
            // gaps cost their length over the text's, trailing characters half that.
            int patternIdx = 0;
            int i = start;
            double score = 0;
            int prevTo = -1;
            while (i < textLen && patternIdx < patternLen) {
                if (t[i] == p[patternIdx]) {
                    int from = i;
                    int to = i;
                    patternIdx++;
                    i++;
                    while (i < textLen && patternIdx < patternLen && t[i] == p[patternIdx]) {
                        to = i;
                        patternIdx++;
                        i++;
                    }
                    int gap = prevTo < 0 ? from : from - prevTo - 1;
                    if (gap > 0) {
                        score -= (double) gap * invTextLen;
                    }
                    int size = to - from + 1;
                    score += (double) (size * size);
                    prevTo = to;
                } else {
                    i++;
                }
            }
            if (patternIdx < patternLen) {
                // No later start can complete the pattern either.
                break;
            }
            int trailing = textLen - 1 - prevTo;
            if (trailing > 0) {
                score -= (double) trailing * invTextLen * 0.5;
            }
            if (score > best) {
                best = score;
            }
        }
        if (best < 0) {
            return 0.0;
        }
        return best / (double) (patternLen * patternLen) * 0.999;
    }

    /** Go's {@code JaroWinklerMatcher.Score}. */
    static double jaroWinkler(String term, String s) {
        if (term.equals(s)) {
            return 1.0;
        }
        if (term.isEmpty() || s.isEmpty()) {
            return 0.0;
        }
        int[] s1 = term.codePoints().toArray();
        int[] s2 = s.codePoints().toArray();
        if (s1.length > s2.length) {
            int[] swap = s1;
            s1 = s2;
            s2 = swap;
        }
        int l1 = s1.length;
        int l2 = s2.length;
        int matchDistance = Math.max(l2 / 2 - 1, 0);
        boolean[] m1 = new boolean[l1];
        boolean[] m2 = new boolean[l2];
        double matches = 0;
        double transpositions = 0;
        for (int i = 0; i < l1; i++) {
            int start = Math.max(i - matchDistance, 0);
            int end = Math.min(i + matchDistance + 1, l2);
            for (int j = start; j < end; j++) {
                if (m2[j] || s1[i] != s2[j]) {
                    continue;
                }
                m1[i] = true;
                m2[j] = true;
                matches++;
                break;
            }
        }
        if (matches == 0) {
            return 0.0;
        }
        int k = 0;
        for (int i = 0; i < l1; i++) {
            if (!m1[i]) {
                continue;
            }
            while (!m2[k]) {
                k++;
            }
            if (s1[i] != s2[k]) {
                transpositions++;
            }
            k++;
        }
        double invL1 = 1.0 / (double) l1;
        double invL2 = 1.0 / (double) l2;
        double jaro = (matches * invL1 + matches * invL2 + (matches - transpositions * 0.5) / matches) / 3.0;
        int prefix = 0;
        while (prefix < Math.min(4, l1) && s1[prefix] == s2[prefix]) {
            prefix++;
        }
        return jaro + (double) prefix * 0.1 * (1.0 - jaro);
    }
}
