package io.promethium.promql.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.Map;

/**
 * The folder of Prometheus's PromQL test scripts ({@code conformance/promql/*.test}), kept in
 * this module's test resources with their licence and NOTICE.
 *
 * <p>This module's tests see the folder on disk; the engine's tests read it from this module's
 * test jar, so the folder may also be a path inside a jar's file system.
 */
public final class ConformanceScripts {

    private static final String FOLDER = "/conformance/promql";

    private ConformanceScripts() {
    }

    /** The folder holding the {@code *.test} scripts. */
    public static Path directory() {
        URL url = ConformanceScripts.class.getResource(FOLDER);
        if (url == null) {
            throw new IllegalStateException("no " + FOLDER + " on the test class path: the PromQL scripts live in "
                    + "promql-grammar/src/test/resources" + FOLDER + " and travel in promql-grammar's test jar");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                openJarFileSystem(uri);
            }
            return Path.of(uri);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad resource address " + url, e);
        }
    }

    private static void openJarFileSystem(URI uri) {
        try {
            // Stays open for the test JVM's life: every caller shares it.
            FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException alreadyOpen) {
            // another caller opened it first
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the test jar holding " + uri, e);
        }
    }
}
