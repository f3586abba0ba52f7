package io.promethium.config.tool;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.model.ScrapeConfig;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * The files {@code promtool check config} checks exist, and only those (its {@code checkConfig}
 * and {@code checkTLSConfig}): per scrape config, the authorization credentials file (where
 * {@code bearer_token_file} ends up), the TLS client certificate and key, and the TLS client
 * certificate and key of its {@code kubernetes_sd_configs}. Password, username, CA and OAuth2
 * files are read by the clients at their first request and are not checked, as promtool does
 * not. As promtool's {@code os.Stat}, whatever exists passes (a folder too); the first problem
 * fails the config, in promtool's words. A relative path is joined to the config's folder as
 * given on the command line (a scrape config of a {@code scrape_config_files} file: to that file's
 * folder), as Prometheus's {@code SetDirectory} joins it.
 */
final class ReferencedFiles {

    private ReferencedFiles() {
    }

    /** @param dir the config file's folder as given ({@code null} for the working folder) */
    static void check(PrometheusConfig config, Path mainDir) throws ConfigException {
        for (ScrapeConfig scrape : config.scrapeConfigs()) {
            Path dir = scrapeDirectory(mainDir, scrape);
            HttpClientConfig http = scrape.httpClient();
            if (http != null && http.authorization() != null) {
                String file = http.authorization().credentialsFile();
                stat(dir, file, "authorization credentials or bearer token file");
            }
            if (http != null && http.tls() != null) {
                stat(dir, http.tls().certFile(), "client cert file");
                stat(dir, http.tls().keyFile(), "client key file");
            }
            for (PluginConfig sd : scrape.discoveryConfigs()) {
                if (sd.key().equals("kubernetes_sd_configs")) {
                    PluginConfig tls = sd.block("tls_config");
                    if (tls != null) {
                        stat(dir, tls.string("cert_file", ""), "client cert file");
                        stat(dir, tls.string("key_file", ""), "client key file");
                    }
                }
            }
        }
    }

    /**
     * A scrape config from a {@code scrape_config_files} file resolves against that file's folder,
     * named as Prometheus names it: relative to the working folder when the main file was given so.
     */
    private static Path scrapeDirectory(Path mainDir, ScrapeConfig scrape) {
        if (scrape.directory() == null) {
            return mainDir;
        }
        if (mainDir != null && mainDir.isAbsolute()) {
            return scrape.directory();
        }
        Path relative = Path.of("").toAbsolutePath().relativize(scrape.directory());
        return relative.toString().isEmpty() ? null : relative;
    }

    /** promtool's {@code checkFileExists}: nothing set is fine; else {@code os.Stat}'s error, worded as Go's. */
    private static void stat(Path dir, String name, String what) throws ConfigException {
        if (name == null || name.isEmpty()) {
            return;
        }
        Path path = Path.of(name);
        String joined = (path.isAbsolute() || dir == null ? path : dir.resolve(path).normalize()).toString();
        try {
            Files.readAttributes(Path.of(joined), BasicFileAttributes.class);
        } catch (IOException e) {
            throw new ConfigException("error checking " + what + " \"" + joined + "\": stat " + joined + ": " + reason(e));
        }
    }

    /** The errno text Go prints for a failed stat. */
    private static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException n -> "no such file or directory";
            case AccessDeniedException a -> "permission denied";
            case FileSystemException f when f.getReason() != null -> f.getReason().toLowerCase(Locale.ROOT);
            default -> e.getMessage();
        };
    }
}
