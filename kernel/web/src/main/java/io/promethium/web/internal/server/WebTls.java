package io.promethium.web.internal.server;

import io.promethium.api.config.ConfigException;
import io.promethium.config.tls.TlsContexts;
import io.promethium.web.internal.server.WebConfigFile.TlsServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Security;
import java.security.cert.CRL;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The web config's {@code tls_server_config} on Jetty, with Go's {@code crypto/tls} semantics as
 * the exporter-toolkit sets them up ({@code ConfigToTLSConfig}):
 * <ul>
 * <li>{@code client_auth_type}: NoClientCert asks for no certificate; RequestClientCert asks and
 *     takes any certificate unchecked; RequireAnyClientCert requires one, unchecked;
 *     VerifyClientCertIfGiven checks one if sent; RequireAndVerifyClientCert requires and checks.
 *     Checked against {@code client_ca_file}/{@code client_ca} (PEM blocks that are not
 *     certificates skipped, as Go's AppendCertsFromPEM; none at all trusts nothing), else against
 *     the JVM's trusted roots, as Go uses the system roots when ClientCAs is nil.</li>
 * <li>{@code client_allowed_sans}: a presented client certificate must carry one of them among its
 *     DNS, e-mail, IP and URI alternative names.</li>
 * <li>{@code min_version}/{@code max_version} (default TLS12 to TLS13) as the enabled protocols;
 *     min above max leaves none, so every handshake fails, as Go.</li>
 * <li>{@code cipher_suites} (Go's names are the IANA names JSSE uses) for TLS 1.0–1.2; TLS 1.3's
 *     suites are always on, as Go does not let them be configured. Jetty's default exclusions are
 *     dropped when a list is given, so the list is exactly what is offered.</li>
 * <li>{@code curve_preferences} as the JSSE named groups, in order.</li>
 * <li>{@code prefer_server_cipher_suites} as the server's cipher order (Jetty's useCipherSuitesOrder).</li>
 * </ul>
 * What the JVM cannot do is refused when the server starts: TLS 1.0 or 1.1 as {@code min_version}
 * while the JVM's {@code jdk.tls.disabledAlgorithms} disables them.
 */
final class WebTls {

    /** Protects only the in-memory key store built from the PEM files. */
    private static final char[] KEY_STORE_PASSWORD = "promethium".toCharArray();
    private static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    private static final Pattern PEM_CERTIFICATE = Pattern.compile("-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----");

    private WebTls() {
    }

    /**
     * The toolkit's checks of a TLS-enabled {@code tls_server_config}, in its order and with its
     * messages: certificate and key given and loadable as a pair, client CA file readable, a known
     * {@code client_auth_type}, client CAs only with a client auth policy.
     */
    static void check(TlsServer tls) throws ConfigException {
        keyStore(tls);
        clientCas(tls);
        if (!WebConfigFile.CLIENT_AUTH_TYPES.contains(tls.clientAuthType())) {
            throw new ConfigException("invalid ClientAuth: " + tls.clientAuthType());
        }
        if ((tls.clientCaFile() != null || !tls.clientCa().isEmpty()) && !tls.requestsClientCert()) {
            throw new ConfigException("client CA's have been configured without a Client Auth Policy");
        }
    }

    /** A Jetty factory serving {@code tls}; {@link #apply} it again (in {@link SslContextFactory#reload}) for a changed file. */
    static Factory factory(TlsServer tls) throws ConfigException {
        Factory factory = new Factory();
        apply(factory, tls);
        return factory;
    }

    /** Configures {@code factory} for {@code tls}, after {@link #check}ing it and what the JVM can serve. */
    static void apply(Factory factory, TlsServer tls) throws ConfigException {
        check(tls);
        refuseDisabledVersions(tls);
        factory.setKeyStore(keyStore(tls));
        factory.setKeyStorePassword(new String(KEY_STORE_PASSWORD));
        factory.trustManagers = new TrustManager[] {trustManager(tls)};
        factory.setNeedClientAuth(tls.requiresClientCert());
        factory.setWantClientAuth(tls.requestsClientCert() && !tls.requiresClientCert());
        List<String> protocols = new ArrayList<>();
        for (int v = tls.minVersion(); v <= tls.maxVersion(); v++) {
            protocols.add(v == 0 ? "TLSv1" : "TLSv1." + v);
        }
        // An empty include list would mean "all": a name no JVM has leaves none, as Go's empty range.
        factory.setIncludeProtocols(protocols.isEmpty() ? new String[] {"none (min_version above max_version)"} : protocols.toArray(String[]::new));
        if (tls.cipherSuites().isEmpty()) {
            factory.setIncludeCipherSuites();
            factory.setExcludeCipherSuites(new SslContextFactory.Server().getExcludeCipherSuites());
        } else {
            List<String> suites = new ArrayList<>(tls.cipherSuites().stream().filter(s -> !TLS13_SUITES.contains(s)).toList());
            suites.addAll(TLS13_SUITES);
            factory.setIncludeCipherSuites(suites.toArray(String[]::new));
            factory.setExcludeCipherSuites();
        }
        factory.setUseCipherSuitesOrder(tls.preferServerCipherSuites());
        factory.namedGroups = tls.curvePreferences().stream().map(WebConfigFile.CURVES::get).toArray(String[]::new);
    }

    /** Jetty's server factory with the trust managers and named groups set here. */
    static final class Factory extends SslContextFactory.Server {
        private volatile TrustManager[] trustManagers;
        private volatile String[] namedGroups = new String[0];

        @Override
        protected TrustManager[] getTrustManagers(KeyStore trustStore, Collection<? extends CRL> crls) {
            return trustManagers.clone();
        }

        @Override
        public SSLParameters customize(SSLParameters parameters) {
            SSLParameters customized = super.customize(parameters);
            if (namedGroups.length > 0) {
                customized.setNamedGroups(namedGroups.clone());
            }
            return customized;
        }
    }

    private static void refuseDisabledVersions(TlsServer tls) throws ConfigException {
        String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
        if (disabled == null) {
            return;
        }
        List<String> names = List.of(disabled.split("\\s*,\\s*"));
        for (int v = tls.minVersion(); v <= Math.min(1, tls.maxVersion()); v++) {
            String protocol = v == 0 ? "TLSv1" : "TLSv1.1";
            if (names.contains(protocol)) {
                throw new ConfigException("tls_server_config: min_version TLS1" + v + ": " + protocol
                        + " is disabled in this JVM (security property jdk.tls.disabledAlgorithms); enable it there or raise min_version");
            }
        }
    }

    private static KeyStore keyStore(TlsServer tls) throws ConfigException {
        if (tls.certFile() == null && tls.cert().isEmpty()) {
            throw new ConfigException("missing one of cert or cert_file");
        }
        if (tls.keyFile() == null && tls.key().isEmpty()) {
            throw new ConfigException("missing one of key or key_file");
        }
        String cert = tls.certFile() != null ? read(tls.certFile(), "cert_file") : tls.cert();
        String key = tls.keyFile() != null ? read(tls.keyFile(), "key_file") : tls.key();
        try {
            return TlsContexts.serverKeyStore(cert, tls.certFile() != null ? "cert_file " + tls.certFile() : "cert",
                    key, tls.keyFile() != null ? "key_file " + tls.keyFile() : "key", KEY_STORE_PASSWORD);
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new ConfigException("failed to load X509KeyPair: " + e.getMessage(), e);
        }
    }

    private static String read(Path file, String field) throws ConfigException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new ConfigException("failed to read " + field + " (" + file + "): open " + file + ": no such file or directory", e);
        } catch (IOException e) {
            throw new ConfigException("failed to read " + field + " (" + file + "): " + e, e);
        }
    }

    /** The client CAs, or null when none is configured. */
    private static List<X509Certificate> clientCas(TlsServer tls) throws ConfigException {
        String pem;
        if (tls.clientCaFile() != null) {
            try {
                pem = Files.readString(tls.clientCaFile(), StandardCharsets.ISO_8859_1);
            } catch (NoSuchFileException e) {
                throw new ConfigException("open " + tls.clientCaFile() + ": no such file or directory", e);
            } catch (IOException e) {
                throw new ConfigException("open " + tls.clientCaFile() + ": " + e, e);
            }
        } else if (!tls.clientCa().isEmpty()) {
            pem = tls.clientCa();
        } else {
            return null;
        }
        // As Go's AppendCertsFromPEM: every CERTIFICATE block that parses, the rest skipped.
        List<X509Certificate> certs = new ArrayList<>();
        Matcher m = PEM_CERTIFICATE.matcher(pem);
        while (m.find()) {
            try {
                byte[] der = Base64.getMimeDecoder().decode(m.group(1).trim());
                certs.add((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)));
            } catch (IllegalArgumentException | CertificateException e) {
                // skipped, as Go
            }
        }
        return certs;
    }

    private static X509ExtendedTrustManager trustManager(TlsServer tls) throws ConfigException {
        List<X509Certificate> cas = clientCas(tls);
        X509TrustManager verifier = null;
        if (tls.verifiesClientCert()) {
            try {
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                if (cas == null) {
                    factory.init((KeyStore) null);
                } else if (!cas.isEmpty()) {
                    KeyStore store = KeyStore.getInstance("PKCS12");
                    store.load(null, null);
                    for (int i = 0; i < cas.size(); i++) {
                        store.setCertificateEntry("ca" + i, cas.get(i));
                    }
                    factory.init(store);
                }
                if (cas == null || !cas.isEmpty()) {
                    for (TrustManager manager : factory.getTrustManagers()) {
                        if (manager instanceof X509TrustManager x509) {
                            verifier = x509;
                        }
                    }
                }
            } catch (GeneralSecurityException | IOException e) {
                throw new ConfigException("client_ca_file: " + e.getMessage(), e);
            }
        }
        X509Certificate[] issuers = cas == null ? new X509Certificate[0] : cas.toArray(X509Certificate[]::new);
        return new ClientTrust(tls.verifiesClientCert(), verifier, issuers, tls.clientAllowedSans());
    }

    /**
     * Client certificates as Go takes them: checked by {@code verifier} when the auth type verifies
     * (none at all when the CA file held no certificate: nothing is trusted), else taken as they
     * are; then their alternative names against {@code client_allowed_sans}.
     */
    private static final class ClientTrust extends X509ExtendedTrustManager {
        private final boolean verify;
        private final X509TrustManager verifier;
        private final X509Certificate[] issuers;
        private final List<String> allowedSans;

        ClientTrust(boolean verify, X509TrustManager verifier, X509Certificate[] issuers, List<String> allowedSans) {
            this.verify = verify;
            this.verifier = verifier;
            this.issuers = issuers;
            this.allowedSans = allowedSans;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (verify) {
                if (verifier == null) {
                    throw new CertificateException("x509: certificate signed by unknown authority (client_ca_file holds no certificate)");
                }
                verifier.checkClientTrusted(chain, authType);
            }
            if (allowedSans != null) {
                checkSans(chain[0]);
            }
        }

        private void checkSans(X509Certificate cert) throws CertificateException {
            Collection<List<?>> names = cert.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> name : names) {
                    int type = (Integer) name.get(0);
                    // rfc822Name 1, dNSName 2, uniformResourceIdentifier 6, iPAddress 7: what Go compares.
                    if ((type == 1 || type == 2 || type == 6) && allowedSans.contains(String.valueOf(name.get(1)))) {
                        return;
                    }
                    if (type == 7 && allowedIp(String.valueOf(name.get(1)))) {
                        return;
                    }
                }
            }
            throw new CertificateException("could not find allowed SANs in client cert, found: " + allowedSans);
        }

        /** An IP address SAN against the allowed names that are IP literals, compared as addresses (Go prints them canonically). */
        private boolean allowedIp(String address) {
            for (String allowed : allowedSans) {
                if (allowed.equals(address)) {
                    return true;
                }
                if (allowed.indexOf(':') >= 0 || allowed.matches("[0-9.]+")) {
                    try {
                        // Literals only (checked above): getByName parses them without a name lookup.
                        if (java.net.InetAddress.getByName(allowed).equals(java.net.InetAddress.getByName(address))) {
                            return true;
                        }
                    } catch (java.net.UnknownHostException e) {
                        // not an address
                    }
                }
            }
            return false;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server's trust manager checks no server");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return issuers.clone();
        }
    }
}
