package io.promethium.notifiers.email;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The {@code tls_config} of an email block (Prometheus' common TLS config), used for both
 * STARTTLS and implicit TLS: {@code ca} / {@code ca_file}, a client certificate from
 * {@code cert} / {@code cert_file} with {@code key} / {@code key_file} (PEM, PKCS#8 key),
 * {@code server_name} (sent as SNI and checked against the server's certificate instead of the
 * smarthost's host, as Go does), {@code insecure_skip_verify}, {@code min_version},
 * {@code max_version}. Files are read at each connection so rotated certificates apply.
 * Built here rather than through the api: the api's {@code HttpClientFactory} gives HTTP clients
 * only, not an {@code SSLContext} for a raw socket.
 */
record TlsSettings(String ca, Path caFile, String cert, Path certFile, String key, Path keyFile, String serverName,
                   boolean insecureSkipVerify, String minVersion, String maxVersion) {

    static final Set<String> SUPPORTED = Set.of("ca", "ca_file", "cert", "cert_file", "key", "key_file", "server_name",
            "insecure_skip_verify", "min_version", "max_version");
    static final Set<String> UNSUPPORTED = Set.of("ca_ref", "cert_ref", "key_ref");
    private static final List<String> VERSIONS = List.of("TLS10", "TLS11", "TLS12", "TLS13");

    static final TlsSettings DEFAULT = new TlsSettings(null, null, null, null, null, null, null, false, "TLS12", null);

    static TlsSettings parse(PluginConfig parent, Path dir) throws ConfigException {
        Object raw = parent.values().get("tls_config");
        if (raw == null) {
            return DEFAULT;
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw parent.error("tls_config: expected a mapping");
        }
        @SuppressWarnings("unchecked")
        PluginConfig c = new PluginConfig("tls_config", (Map<String, Object>) map, parent.location());
        for (String key : c.values().keySet()) {
            if (UNSUPPORTED.contains(key)) {
                throw c.error("tls_config." + key + " is not supported by the email notifier yet");
            }
        }
        c.requireOnly(SUPPORTED);
        String ca = c.string("ca", null);
        String caFile = c.string("ca_file", null);
        if (ca != null && caFile != null) {
            throw c.error("at most one of ca and ca_file must be configured");
        }
        String cert = c.string("cert", null);
        String certFile = c.string("cert_file", null);
        if (cert != null && certFile != null) {
            throw c.error("at most one of cert and cert_file must be configured");
        }
        String key = c.string("key", null);
        String keyFile = c.string("key_file", null);
        if (key != null && keyFile != null) {
            throw c.error("at most one of key and key_file must be configured");
        }
        boolean hasCert = cert != null || certFile != null;
        boolean hasKey = key != null || keyFile != null;
        if (hasCert && !hasKey) {
            throw c.error("exactly one of key or key_file must be configured when a client certificate is configured");
        }
        if (hasKey && !hasCert) {
            throw c.error("exactly one of cert or cert_file must be configured when a client key is configured");
        }
        String min = c.string("min_version", "TLS12");
        String max = c.string("max_version", null);
        for (String v : new String[] {min, max}) {
            if (v != null && !VERSIONS.contains(v)) {
                throw c.error("unknown TLS version: " + v + " (want one of " + VERSIONS + ")");
            }
        }
        if (max != null && VERSIONS.indexOf(max) < VERSIONS.indexOf(min)) {
            throw c.error("max_version must be greater than or equal to min_version");
        }
        String serverName = c.string("server_name", null);
        return new TlsSettings(ca, resolve(dir, caFile), cert, resolve(dir, certFile), key, resolve(dir, keyFile),
                serverName == null || serverName.isEmpty() ? null : serverName, c.bool("insecure_skip_verify", false), min, max);
    }

    private static Path resolve(Path dir, String file) {
        return file == null ? null : dir.resolve(file);
    }

    /** The protocol names for {@code mail.smtp.ssl.protocols}, e.g. {@code TLSv1.2 TLSv1.3}. */
    String protocols() {
        int lo = VERSIONS.indexOf(minVersion);
        int hi = maxVersion == null ? VERSIONS.size() - 1 : VERSIONS.indexOf(maxVersion);
        StringBuilder b = new StringBuilder();
        for (int i = lo; i <= hi; i++) {
            b.append(b.isEmpty() ? "" : " ").append("TLSv1.").append(i);
        }
        return b.toString().replace("TLSv1.0", "TLSv1");
    }

    /**
     * The socket factory for SMTPS and STARTTLS: the client certificate if configured; unless
     * {@code insecure_skip_verify}, the server's certificate checked against {@code server_name}
     * when set, else against {@code host} (the smarthost's); that name sent as SNI.
     */
    SSLSocketFactory socketFactory(String host) throws IOException, GeneralSecurityException {
        String name = serverName != null ? serverName : host;
        TrustManager[] trust;
        if (insecureSkipVerify) {
            trust = new TrustManager[] {new TrustAll()};
        } else {
            KeyStore store = null;
            if (ca != null || caFile != null) {
                String pem = ca != null ? ca : Files.readString(caFile, StandardCharsets.UTF_8);
                List<Certificate> certs = certificates(pem, caFile != null ? "ca_file " + caFile : "tls_config.ca");
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < certs.size(); i++) {
                    store.setCertificateEntry("ca" + i, certs.get(i));
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store); // null: the JVM's default trust
            trust = new TrustManager[] {new NameCheckingTrust(x509(tmf.getTrustManagers()), name)};
        }
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(keyManagers(), trust, null);
        return new SniSocketFactory(ssl.getSocketFactory(), name);
    }

    private static X509TrustManager x509(TrustManager[] managers) throws GeneralSecurityException {
        for (TrustManager m : managers) {
            if (m instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager available");
    }

    /** The client certificate's key managers, or null when none is configured. */
    private KeyManager[] keyManagers() throws IOException, GeneralSecurityException {
        if (cert == null && certFile == null) {
            return null;
        }
        String certPem = cert != null ? cert : Files.readString(certFile, StandardCharsets.UTF_8);
        List<Certificate> chain = certificates(certPem, certFile != null ? "cert_file " + certFile : "tls_config.cert");
        String keyPem = key != null ? key : Files.readString(keyFile, StandardCharsets.UTF_8);
        PrivateKey privateKey = privateKey(keyPem, keyFile != null ? "key_file " + keyFile : "tls_config.key");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", privateKey, new char[0], chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, new char[0]);
        return kmf.getKeyManagers();
    }

    private static List<Certificate> certificates(String pem, String where) throws GeneralSecurityException {
        List<Certificate> certs = new ArrayList<>(CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no certificate found in " + where);
        }
        return certs;
    }

    /** A PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}): RSA, EC or Ed25519. */
    static PrivateKey privateKey(String pem, String where) throws GeneralSecurityException {
        String begin = "-----BEGIN PRIVATE KEY-----";
        String end = "-----END PRIVATE KEY-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new GeneralSecurityException(where + ": expected a PKCS#8 PEM key (BEGIN PRIVATE KEY);"
                    + " convert with: openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException(where + ": not an RSA, EC or Ed25519 key");
    }

    private static boolean isIpLiteral(String s) {
        return s.indexOf(':') >= 0 || s.matches("[0-9.]+");
    }

    /** Sends {@code name} as SNI on every socket it makes, unless it is an IP address (as Go). */
    private static final class SniSocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final String name;

        SniSocketFactory(SSLSocketFactory delegate, String name) {
            this.delegate = delegate;
            this.name = name;
        }

        private Socket configure(Socket socket) {
            if (!isIpLiteral(name) && socket instanceof SSLSocket ssl) {
                SSLParameters p = ssl.getSSLParameters();
                p.setServerNames(List.of(new SNIHostName(name)));
                ssl.setSSLParameters(p);
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return configure(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return configure(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return configure(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return configure(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return configure(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return configure(delegate.createSocket(address, port, localAddress, localPort));
        }
    }

    /**
     * The chain is verified by the platform's (or {@code ca}'s) trust; the leaf certificate must
     * then name {@code name} ({@code server_name}, else the smarthost's host) in its subject
     * alternative names, as Go checks. Being an extended manager, it replaces the JDK's own
     * endpoint check, which would fall back to the connected address.
     */
    private static final class NameCheckingTrust extends X509ExtendedTrustManager {
        private final X509TrustManager delegate;
        private final String name;

        NameCheckingTrust(X509TrustManager delegate, String name) {
            this.delegate = delegate;
            this.name = name.toLowerCase(Locale.ROOT);
        }

        private void verify(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
            if (!names(chain[0])) {
                throw new CertificateException("x509: certificate is not valid for " + name);
            }
        }

        private boolean names(X509Certificate cert) throws CertificateException {
            Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
            if (alternatives == null) {
                return false;
            }
            boolean ip = isIpLiteral(name);
            for (List<?> entry : alternatives) {
                int type = (Integer) entry.get(0);
                String value = String.valueOf(entry.get(1)).toLowerCase(Locale.ROOT);
                if (ip && type == 7 && sameAddress(value)) {
                    return true;
                }
                int dot = name.indexOf('.');
                if (!ip && type == 2 && (value.equals(name)
                        || (value.startsWith("*.") && dot > 0 && name.substring(dot).equals(value.substring(1))))) {
                    return true;
                }
            }
            return false;
        }

        private boolean sameAddress(String value) {
            try {
                // literals only: InetAddress.getByName does no lookup for them
                return InetAddress.getByName(value).equals(InetAddress.getByName(name));
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            verify(chain, authType);
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
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
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
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    /** insecure_skip_verify: the operator chose to accept any certificate and any name. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

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
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
