package io.promethium.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Where Felix keeps the installed bundles. A folder kept between runs inside the data folder
 * ({@code bundle-cache}, which the TSDB ignores as it is no block): a restart reuses the bundles
 * it holds. A fresh cache made Felix copy every core bundle and extract the jars they embed (about
 * 30 MB, inflated) at every start, the largest share of the framework's start-up in the profile.
 * Felix locks the folder, so a second server on the same data folder falls back to a temporary
 * cache (and then meets the TSDB's own lock, as before). A data folder that cannot be written to
 * also falls back to a temporary cache, deleted at exit.
 */
record FrameworkCache(Path dir, boolean kept) {

    private static final Logger LOG = Logger.getLogger(FrameworkCache.class.getName());
    static final String FOLDER = "bundle-cache";

    /** The kept cache of the data folder the flags name, or null when there is none to use. */
    static Path keptDir(Map<String, String> flags) {
        String data = Boolean.parseBoolean(flags.getOrDefault("agent", "false"))
                ? flags.get("storage.agent.path") : flags.get("storage.tsdb.path");
        if (data == null || data.isBlank()) {
            return null;
        }
        Path dir = Path.of(data).toAbsolutePath().normalize().resolve(FOLDER);
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir) ? dir : null;
        } catch (IOException | RuntimeException e) {
            LOG.fine("no kept bundle cache in " + dir + ": " + e.getMessage());
            return null;
        }
    }

    static FrameworkCache temporary() throws IOException {
        return new FrameworkCache(Files.createTempDirectory("promethium-felix-"), false);
    }

    /** Removes a temporary cache; a kept one stays for the next run. */
    void release() {
        if (kept) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Best effort: a leftover cache folder in tmp is harmless.
                }
            });
        } catch (IOException e) {
            // Best effort.
        }
    }
}
