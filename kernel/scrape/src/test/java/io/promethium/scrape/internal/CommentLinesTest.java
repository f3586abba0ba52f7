package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CommentLinesTest {

    private static long fingerprint(String page) {
        byte[] b = ("xx" + page + "yy").getBytes(StandardCharsets.UTF_8);
        return CommentLines.fingerprint(b, 2, b.length - 2);
    }

    @Test
    void samplesDoNotChangeTheFingerprintButEveryByteOfAComment() {
        String page = "# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n# TYPE node_cpu_seconds_total counter\n"
                + "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 1234.5\n  \t# TYPE up gauge\nup 1\n";
        long base = fingerprint(page);
        assertThat(fingerprint(page.replace("1234.5", "1299.75 17"))).isEqualTo(base);
        assertThat(fingerprint(page.replace("up 1\n", "up 1\nnew{a=\"#\"} 2\n"))).isEqualTo(base);
        assertThat(fingerprint(page.replace("each mode.", "each mode!"))).isNotEqualTo(base);
        assertThat(fingerprint(page.replace("gauge", "counter"))).isNotEqualTo(base);
        assertThat(fingerprint(page.replace("  \t# TYPE up gauge\n", ""))).isNotEqualTo(base);
    }

    @Test
    void lineEndsAndOrderCountWhateverTheLinesLength() {
        for (int n = 0; n < 20; n++) {
            String a = "# HELP a " + "x".repeat(n);
            String b = "# HELP b " + "y".repeat(n);
            assertThat(fingerprint(a + "\n" + b + "\n")).as("order, %d", n).isNotEqualTo(fingerprint(b + "\n" + a + "\n"));
            assertThat(fingerprint(a + "\n" + b + "\n")).as("line end, %d", n).isNotEqualTo(fingerprint(a + " " + b + "\n"));
            assertThat(fingerprint(a + "\n" + b)).as("no last newline, %d", n).isNotEqualTo(fingerprint(a + "\n" + b + "\n"));
            assertThat(fingerprint(a + "\n")).as("vs nothing, %d", n).isNotEqualTo(fingerprint(""));
            assertThat(fingerprint(a + "\nz 1\n")).isEqualTo(fingerprint(a + "\nz 2\n")).isNotZero();
        }
    }

    @Test
    void nextLineStepsOverOneLineWhateverItsLength() {
        for (int n = 0; n < 20; n++) {
            byte[] b = ("a".repeat(n) + "\nb").getBytes(StandardCharsets.UTF_8);
            assertThat(CommentLines.nextLine(b, 0, b.length)).isEqualTo(n + 1);
            assertThat(CommentLines.nextLine(b, n + 1, b.length)).isEqualTo(b.length);
        }
    }
}
