package io.promethium.exposition;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * Locates the reference data in this module's test resources ({@code conformance/}: OpenMetrics
 * parser cases and real exposition pages, with their licence and NOTICE).
 */
final class Conformance {

    private Conformance() {
    }

    static Path root() {
        URL url = Conformance.class.getResource("/conformance/NOTICE");
        if (url == null) {
            throw new IllegalStateException("no conformance/ on the test class path (kernel/lib/exposition/src/test/resources/conformance)");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad resource address " + url, e);
        }
    }
}
