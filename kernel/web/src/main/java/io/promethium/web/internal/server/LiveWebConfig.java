package io.promethium.web.internal.server;

import io.promethium.api.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The web config file as the running server uses it. The exporter-toolkit reads the file again
 * for every TLS handshake and every request, so a new certificate, client CA, client auth policy,
 * user or header applies without a restart; here the file and the certificate, key and client CA
 * files it names are checked for a change (modification time and size) at most every
 * {@link #CHECK_NANOS} on a new connection or request, and read again only when one changed. A
 * changed TLS part is applied to Jetty's factory (new connections use it). As the toolkit, whether
 * TLS is served at all, {@code http2} and {@code rate_limit} are taken once at start: a file that
 * changes whether TLS is served is refused like an invalid one. While the file is invalid, every
 * request is answered 500 (the toolkit answers 500 and fails handshakes), and the error is logged
 * once per change.
 */
final class LiveWebConfig {

    private static final Logger LOG = Logger.getLogger(LiveWebConfig.class.getName());
    static final long CHECK_NANOS = 250_000_000L;

    private final Path file;
    private final WebTls.Factory ssl;
    private final boolean tls;
    private volatile WebConfigFile config;
    private volatile ConfigException error;
    private volatile List<Object> fingerprint;
    private volatile long checkedAt;

    /** @param file the file {@code config} was read from, or null for a fixed configuration; {@code ssl} its TLS factory or null */
    LiveWebConfig(Path file, WebConfigFile config, WebTls.Factory ssl) {
        this.file = file;
        this.config = config;
        this.ssl = ssl;
        this.tls = config.tls();
        this.fingerprint = file == null ? List.of() : fingerprint(config);
        this.checkedAt = System.nanoTime();
    }

    /** The configuration in force, re-read first if a file changed; {@link ConfigException} while the file is invalid. */
    WebConfigFile current() throws ConfigException {
        if (file != null && System.nanoTime() - checkedAt >= CHECK_NANOS) {
            refresh();
        }
        ConfigException failed = error;
        if (failed != null) {
            throw failed;
        }
        return config;
    }

    /** The last valid configuration (for what must answer even while the file is invalid). */
    WebConfigFile last() {
        return config;
    }

    private synchronized void refresh() {
        if (System.nanoTime() - checkedAt < CHECK_NANOS) {
            return;
        }
        checkedAt = System.nanoTime();
        List<Object> now = fingerprint(config);
        if (now.equals(fingerprint)) {
            return;
        }
        try {
            WebConfigFile next = WebConfigFile.load(file);
            next.validate();
            if (next.tls() != tls) {
                throw new ConfigException(file + ": tls_server_config: whether TLS is served changes only with a restart");
            }
            if (tls) {
                // Checked by validate(); the factory's reload applies it to new connections.
                WebTls.apply(new WebTls.Factory(), next.tlsServer());
                ssl.reload(factory -> {
                    try {
                        WebTls.apply((WebTls.Factory) factory, next.tlsServer());
                    } catch (ConfigException e) {
                        throw new IllegalStateException(e.getMessage(), e);
                    }
                });
            }
            config = next;
            error = null;
            fingerprint = fingerprint(next);
            LOG.info(() -> "web config file " + file + " reloaded");
        } catch (Exception e) {
            ConfigException failed = e instanceof ConfigException c ? c : new ConfigException(file + ": " + e.getMessage(), e);
            error = failed;
            fingerprint = now;
            LOG.log(Level.SEVERE, "web config file " + file + " is invalid, requests are answered 500 until it is fixed: " + failed.getMessage());
        }
    }

    /** Modification times and sizes of the file and the files {@code named} names. */
    private List<Object> fingerprint(WebConfigFile named) {
        List<Path> files = new ArrayList<>();
        files.add(file);
        files.add(named.tlsServer().certFile());
        files.add(named.tlsServer().keyFile());
        files.add(named.tlsServer().clientCaFile());
        List<Object> print = new ArrayList<>();
        for (Path path : files) {
            if (path == null) {
                print.add(null);
                continue;
            }
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                print.add(attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) + "/" + attributes.size());
            } catch (IOException e) {
                print.add("missing");
            }
        }
        return print;
    }
}
