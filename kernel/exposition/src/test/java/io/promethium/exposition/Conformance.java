package io.promethium.exposition;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared conformance data, as the build configures it. */
final class Conformance {

    private Conformance() {
    }

    static Path root() {
        String property = System.getProperty("promethium.conformance");
        Path root = property != null ? Path.of(property) : Path.of("../../shared/conformance");
        if (!Files.isDirectory(root)) {
            root = Path.of("../../../shared/conformance");
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("conformance data not found; set -Dpromethium.conformance (tried " + property + ")");
        }
        return root;
    }
}
