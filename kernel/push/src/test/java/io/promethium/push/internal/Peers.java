package io.promethium.push.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Real peers the tests run against: missing outside CI skips the test saying why; under {@code CI=true} it fails. */
final class Peers {

    private Peers() {
    }

    static void require(boolean present, String reason) {
        if (present) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("peer missing under CI=true: " + reason);
        }
        Assumptions.abort("skipped: " + reason);
    }

    static Path program(String path, String debianPackage) {
        Path p = Path.of(path);
        require(Files.isExecutable(p), path + " not found (install the Debian package " + debianPackage
                + "; distribution/dev/install-peers does)");
        return p;
    }
}
