package io.promethium.testsupport;

import java.util.Locale;

/**
 * Whether the tests run in CI: the environment variable {@code CI} is set (CI runs with
 * {@code CI=true}) and is not {@code false} or {@code 0}. Under CI a missing peer fails instead of
 * skipping ({@link Peers}) and randomized tests run a fixed number of iterations ({@link FuzzRun}).
 */
public final class Ci {

    private Ci() {
    }

    /** Whether this JVM runs under CI. */
    public static boolean active() {
        return active(System.getenv("CI"));
    }

    /** Whether the value of {@code CI} means CI. */
    static boolean active(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String lower = value.strip().toLowerCase(Locale.ROOT);
        return !lower.equals("false") && !lower.equals("0");
    }
}
