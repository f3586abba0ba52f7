package io.promethium.scrape.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.config.model.HttpClientConfig;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Builds the {@link HttpClient} of a scrape pool from its {@code http_client} settings: keep-alive
 * connections, redirects, TLS ({@code ca_file}, {@code cert_file}/{@code key_file} in PEM,
 * {@code server_name}, {@code insecure_skip_verify}). One client per pool; its connections are
 * shared by the pool's loops.
 */
final class HttpClients {

    private HttpClients() {
    }

    static HttpClient create(HttpClientConfig config, Path configDirectory) throws ConfigException {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(30))
                .followRedirects(config.followRedirects() ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
                // Plain-HTTP targets speak HTTP/1.1; an h2c upgrade attempt only costs a round trip.
                // The default executor (a cached pool) reuses threads; a virtual thread per
                // task allocated a continuation for each of the client's many small tasks.
                .version(HttpClient.Version.HTTP_1_1);
        HttpClientConfig.TlsConfig tls = config.tls();
        if (tls != null) {
            builder.sslContext(sslContext(tls, configDirectory));
            SSLParameters parameters = new SSLParameters();
            if (!tls.serverName().isEmpty()) {
                parameters.setServerNames(List.of(new SNIHostName(tls.serverName())));
            }
            if (!tls.minVersion().isEmpty()) {
                parameters.setProtocols(protocolsFrom(tls.minVersion()));
            }
            builder.sslParameters(parameters);
            if (config.enableHttp2()) {
                builder.version(HttpClient.Version.HTTP_2);
            }
        }
        return builder.build();
    }

    private static String[] protocolsFrom(String minVersion) throws ConfigException {
        return switch (minVersion) {
            case "TLS10" -> new String[] {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
            case "TLS11" -> new String[] {"TLSv1.1", "TLSv1.2", "TLSv1.3"};
            case "TLS12" -> new String[] {"TLSv1.2", "TLSv1.3"};
            case "TLS13" -> new String[] {"TLSv1.3"};
            default -> throw new ConfigException("tls_config: unknown min_version \"" + minVersion + "\"");
        };
    }

    static SSLContext sslContext(HttpClientConfig.TlsConfig tls, Path configDirectory) throws ConfigException {
        try {
            TrustManager[] trust;
            if (tls.insecureSkipVerify()) {
                trust = new TrustManager[] {new TrustAll()};
            } else if (!tls.caFile().isEmpty()) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                for (Certificate cert : certificates(resolve(configDirectory, tls.caFile()))) {
                    store.setCertificateEntry("ca-" + i++, cert);
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                trust = factory.getTrustManagers();
            } else {
                trust = null;
            }
            if (!tls.insecureSkipVerify() && !tls.serverName().isEmpty()) {
                trust = new TrustManager[] {new ServerNameTrust(x509(trust), tls.serverName())};
            }
            KeyManagerFactory keys = null;
            if (!tls.certFile().isEmpty() || !tls.keyFile().isEmpty()) {
                if (tls.certFile().isEmpty() || tls.keyFile().isEmpty()) {
                    throw new ConfigException("tls_config: cert_file and key_file must both be set");
                }
                Collection<? extends Certificate> chain = certificates(resolve(configDirectory, tls.certFile()));
                PrivateKey key = privateKey(resolve(configDirectory, tls.keyFile()));
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                store.setKeyEntry("client", key, new char[0], chain.toArray(new Certificate[0]));
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, new char[0]);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("tls_config: " + e.getMessage(), e);
        }
    }

    /** The X.509 trust manager among {@code managers}, or the platform's default one. */
    private static X509TrustManager x509(TrustManager[] managers) throws GeneralSecurityException {
        if (managers == null) {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            managers = factory.getTrustManagers();
        }
        for (TrustManager manager : managers) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager available");
    }

    private static Path resolve(Path base, String file) {
        return base == null ? Path.of(file) : base.resolve(file);
    }

    private static Collection<? extends Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        try (var in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new GeneralSecurityException("no certificate in " + file);
            }
            return certs;
        }
    }

    /** A PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}), RSA or EC. */
    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file);
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new GeneralSecurityException("key_file " + file + ": expected a PKCS#8 PEM key (BEGIN PRIVATE KEY);"
                    + " convert with: openssl pkcs8 -topk8 -nocrypt");
        }
        String body = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"))
                .replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body));
        List<String> tried = new ArrayList<>();
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                tried.add(algorithm);
            }
        }
        throw new GeneralSecurityException("key_file " + file + ": not an " + String.join("/", tried) + " key");
    }

    /**
     * {@code server_name}: the chain is verified as usual, but the certificate must name
     * {@code server_name} (in its subject alternative names, as Go checks) instead of the host
     * in the URL. Being an extended manager, it replaces the platform's check of the URL host.
     */
    private static final class ServerNameTrust extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;
        private final String serverName;

        ServerNameTrust(X509TrustManager delegate, String serverName) {
            this.delegate = delegate;
            this.serverName = serverName.toLowerCase(java.util.Locale.ROOT);
        }

        private void verify(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
            if (!names(chain[0])) {
                throw new CertificateException("x509: certificate is not valid for server_name " + serverName);
            }
        }

        private boolean names(X509Certificate cert) throws CertificateException {
            Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
            if (alternatives == null) {
                return false;
            }
            boolean ip = serverName.indexOf(':') >= 0 || serverName.matches("[0-9.]+");
            for (List<?> entry : alternatives) {
                int type = (Integer) entry.get(0);
                String name = String.valueOf(entry.get(1)).toLowerCase(java.util.Locale.ROOT);
                if (ip && type == 7 && name.equals(serverName)) {
                    return true;
                }
                if (!ip && type == 2 && (name.equals(serverName)
                        || (name.startsWith("*.") && serverName.indexOf('.') > 0
                            && serverName.substring(serverName.indexOf('.')).equals(name.substring(1))))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            verify(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            verify(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            verify(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    /** {@code insecure_skip_verify}: accepts any certificate and, being an extended manager, any host name. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
