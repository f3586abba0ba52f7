package io.promethium.config.tls;

import io.promethium.api.config.ConfigException;
import io.promethium.config.model.HttpClientConfig;
import io.promethium.pem.PemKeys;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS from the PEM files Prometheus's configs name: the client side of a {@code tls_config}
 * (scrapes, Alertmanagers, remote peers) and the server key store of the web config file. One
 * place, so every peer gets the same {@code server_name} and {@code insecure_skip_verify} rules.
 */
public final class TlsContexts {

    private TlsContexts() {
    }

    /** A key store holding one server key ({@code key_file}, a PEM key) and its chain ({@code cert_file}). */
    public static KeyStore serverKeyStore(Path certFile, Path keyFile, char[] password) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> chain = certificates(certFile);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", privateKey(keyFile), password, chain.toArray(new Certificate[0]));
        return store;
    }

    /**
     * A key store holding one server key and its chain given inline as PEM text (the web config's
     * {@code key} and {@code cert}); {@code certName} and {@code keyName} name them in errors.
     */
    public static KeyStore serverKeyStore(String certPem, String certName, String keyPem, String keyName, char[] password)
            throws GeneralSecurityException, IOException {
        Collection<? extends Certificate> chain = certificates(certPem, certName);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", privateKey(keyPem, keyName), password, chain.toArray(new Certificate[0]));
        return store;
    }

    /**
     * The client context for a {@code tls_config}: trust from {@code ca_file} (else the platform's),
     * {@code server_name} checked against the certificate's names, a client certificate from
     * {@code cert_file}/{@code key_file}, or no checks at all with {@code insecure_skip_verify}.
     * Relative paths resolve against {@code configDirectory}.
     */
    public static SSLContext client(HttpClientConfig.TlsConfig tls, Path configDirectory) throws ConfigException {
        return client(tls, configDirectory, null);
    }

    /**
     * As {@link #client(HttpClientConfig.TlsConfig, Path)}, for a connection whose client does
     * not check the peer's name itself (a raw socket): unless {@code insecure_skip_verify}, the
     * certificate must name {@code server_name}, or {@code host} when it is unset (Go's rule).
     * A null {@code host} leaves the check to the client when {@code server_name} is unset.
     */
    public static SSLContext client(HttpClientConfig.TlsConfig tls, Path configDirectory, String host) throws ConfigException {
        try {
            TrustManager[] trust;
            if (tls.insecureSkipVerify()) {
                trust = new TrustManager[] {new TrustAll()};
            } else if (!tls.caFile().isEmpty() || !tls.ca().isEmpty()) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                Collection<? extends Certificate> authorities = tls.ca().isEmpty()
                        ? certificates(resolve(configDirectory, tls.caFile())) : certificates(tls.ca(), "ca");
                for (Certificate cert : authorities) {
                    store.setCertificateEntry("ca-" + i++, cert);
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                trust = factory.getTrustManagers();
            } else {
                trust = null;
            }
            String name = tls.serverName().isEmpty() ? host : tls.serverName();
            if (!tls.insecureSkipVerify() && name != null && !name.isEmpty()) {
                trust = new TrustManager[] {new ServerNameTrust(x509(trust), name)};
            }
            KeyManagerFactory keys = null;
            boolean hasKey = !tls.keyFile().isEmpty() || !tls.key().isEmpty();
            if (tls.hasClientCertificate() || hasKey) {
                if (!tls.hasClientCertificate() || !hasKey) {
                    throw new ConfigException("tls_config: a client certificate needs both cert (or cert_file) and key (or key_file)");
                }
                Collection<? extends Certificate> chain = tls.cert().isEmpty()
                        ? certificates(resolve(configDirectory, tls.certFile())) : certificates(tls.cert(), "cert");
                PrivateKey key = tls.key().isEmpty()
                        ? privateKey(resolve(configDirectory, tls.keyFile())) : privateKey(tls.key(), "key");
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

    /**
     * The client's TLS parameters for a {@code tls_config}: {@code server_name} as SNI, and the
     * protocol versions from {@code min_version} to {@code max_version} ({@code TLS10} ...
     * {@code TLS13}; unset means TLS 1.2 up to 1.3, as Go).
     */
    public static javax.net.ssl.SSLParameters clientParameters(HttpClientConfig.TlsConfig tls) throws ConfigException {
        return clientParameters(tls, null);
    }

    /**
     * As {@link #clientParameters(HttpClientConfig.TlsConfig)}, with {@code host} as SNI when
     * {@code server_name} is unset (a raw socket has no URL the platform would take it from); an
     * IP address is never sent as SNI.
     */
    public static javax.net.ssl.SSLParameters clientParameters(HttpClientConfig.TlsConfig tls, String host) throws ConfigException {
        javax.net.ssl.SSLParameters parameters = new javax.net.ssl.SSLParameters();
        String name = tls.serverName().isEmpty() ? host : tls.serverName();
        if (name != null && !name.isEmpty() && !isIpLiteral(name)) {
            parameters.setServerNames(List.of(new javax.net.ssl.SNIHostName(name)));
        }
        // Always set: the JDK's HttpClient offers HTTP/2 (ALPN h2) only when the protocols it is
        // given name TLS 1.2 or 1.3, so parameters without them would silently disable enable_http2.
        int min = tls.minVersion().isEmpty() ? 2 : version(tls.minVersion(), "min_version");
        int max = tls.maxVersion().isEmpty() ? 3 : version(tls.maxVersion(), "max_version");
        if (min > max) {
            throw new ConfigException("tls_config: max_version " + tls.maxVersion() + " is lower than min_version " + tls.minVersion());
        }
        List<String> protocols = new ArrayList<>();
        for (int v = min; v <= max; v++) {
            protocols.add(v == 0 ? "TLSv1" : "TLSv1." + v);
        }
        parameters.setProtocols(protocols.toArray(String[]::new));
        return parameters;
    }

    /** The minor number of a Go TLS version name ({@code TLS12} is 2); {@link ConfigException} for an unknown name. */
    public static int version(String name, String field) throws ConfigException {
        return switch (name) {
            case "TLS10" -> 0;
            case "TLS11" -> 1;
            case "TLS12" -> 2;
            case "TLS13" -> 3;
            default -> throw new ConfigException("tls_config: " + field + ": unknown TLS version: " + name);
        };
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

    private static boolean isIpLiteral(String name) {
        return name.indexOf(':') >= 0 || name.matches("[0-9.]+");
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

    private static Collection<? extends Certificate> certificates(String pem, String field) throws GeneralSecurityException {
        Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                .generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + field);
        }
        return certs;
    }

    /** A PEM key: PKCS#8 ({@code BEGIN PRIVATE KEY}; RSA, EC or Ed25519), PKCS#1 RSA or SEC 1 EC, as Go's TLS reads. */
    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        return privateKey(Files.readString(file), "key_file " + file);
    }

    private static PrivateKey privateKey(String pem, String file) throws GeneralSecurityException {
        try {
            return PemKeys.privateKey(pem);
        } catch (InvalidKeySpecException e) {
            throw new GeneralSecurityException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code server_name} (or a raw socket's host): the chain is verified as usual, but the
     * certificate must name it (in its subject alternative names, as Go checks) instead of the
     * host in the URL. Being an extended manager, it replaces the platform's check of the URL host.
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
                throw new CertificateException("x509: certificate is not valid for " + serverName);
            }
        }

        private boolean names(X509Certificate cert) throws CertificateException {
            Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
            if (alternatives == null) {
                return false;
            }
            boolean ip = isIpLiteral(serverName);
            for (List<?> entry : alternatives) {
                int type = (Integer) entry.get(0);
                String name = String.valueOf(entry.get(1)).toLowerCase(java.util.Locale.ROOT);
                if (ip && type == 7 && sameAddress(name)) {
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

        /** IP literals compared as addresses ({@code ::1} is {@code 0:0:0:0:0:0:0:1}); no lookup is made for a literal. */
        private boolean sameAddress(String name) {
            try {
                return java.net.InetAddress.getByName(name).equals(java.net.InetAddress.getByName(serverName));
            } catch (IOException e) {
                return false;
            }
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
