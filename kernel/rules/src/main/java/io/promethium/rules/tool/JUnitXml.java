package io.promethium.rules.tool;

import java.util.ArrayList;
import java.util.List;

/**
 * The JUnit XML report of {@code test rules --junit=FILE}, as Prometheus's {@code util/junitxml}
 * writes it with Go's {@code encoding/xml}: one {@code testsuite} per test file, one
 * {@code testcase} per test group run, a {@code failure} per error of the group, an {@code error}
 * when the file could not be run (in a case named {@code unknown}), no XML declaration, no
 * indentation, no line break at the end, elements never self-closed.
 */
final class JUnitXml {

    private final List<Suite> suites = new ArrayList<>();

    /** A new suite for the test file {@code name}. */
    Suite suite(String name) {
        Suite s = new Suite(name);
        suites.add(s);
        return s;
    }

    /** One test file. */
    static final class Suite {
        private final String name;
        private String timestamp = "";
        private int failures;
        private int errors;
        private final List<Case> cases = new ArrayList<>();

        private Suite(String name) {
            this.name = name;
        }

        /** A test group, to which later failures are added. */
        void testCase(String caseName) {
            cases.add(new Case(caseName));
        }

        /** A failure of the last test group (of a case named {@code unknown} when there is none). */
        void fail(String message) {
            failures++;
            last().failures.add(message);
        }

        /** The file could not be run: everything recorded so far is dropped, as promtool aborts before any test runs. */
        void abort(String message) {
            cases.clear();
            failures = 0;
            errors = 1;
            last().error = message;
        }

        /** When the file was run, as Go's {@code time.Now().Format("2006-01-02T15:04:05")} (local time). */
        void timestamp(java.time.LocalDateTime time) {
            timestamp = time.format(java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss"));
        }

        private Case last() {
            if (cases.isEmpty()) {
                testCase("unknown");
            }
            return cases.get(cases.size() - 1);
        }
    }

    private static final class Case {
        private final String name;
        private final List<String> failures = new ArrayList<>();
        private String error = "";

        private Case(String name) {
            this.name = name;
        }
    }

    /** The document, as {@code xml.NewEncoder(w).Encode} writes it. */
    String xml() {
        StringBuilder sb = new StringBuilder("<testsuites>");
        for (Suite s : suites) {
            sb.append("<testsuite name=\"");
            escape(sb, s.name);
            sb.append("\" tests=\"").append(s.cases.size()).append("\" failures=\"").append(s.failures)
                    .append("\" errors=\"").append(s.errors).append("\" skipped=\"0\" timestamp=\"");
            escape(sb, s.timestamp);
            sb.append("\">");
            for (Case c : s.cases) {
                sb.append("<testcase name=\"");
                escape(sb, c.name);
                sb.append("\">");
                for (String f : c.failures) {
                    sb.append("<failure>");
                    escape(sb, f);
                    sb.append("</failure>");
                }
                if (!c.error.isEmpty()) {
                    sb.append("<error>");
                    escape(sb, c.error);
                    sb.append("</error>");
                }
                sb.append("</testcase>");
            }
            sb.append("</testsuite>");
        }
        return sb.append("</testsuites>").toString();
    }

    /** Go's {@code xml.EscapeText}: the five markup characters, tab and line breaks as references, characters XML forbids as U+FFFD. */
    static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '"' -> sb.append("&#34;");
                case '\'' -> sb.append("&#39;");
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '\t' -> sb.append("&#x9;");
                case '\n' -> sb.append("&#xA;");
                case '\r' -> sb.append("&#xD;");
                default -> {
                    boolean allowed = c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD || c >= 0x10000 && c <= 0x10FFFF;
                    if (allowed) {
                        sb.appendCodePoint(c);
                    } else {
                        sb.append('\uFFFD');
                    }
                }
            }
        }
    }
}
