package io.promethium.notifiers.email;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The {@code tls_config} of an email block (Prometheus' common TLS config): {@code ca} /
 * {@code ca_file} (PEM, read at each connection so a rotated CA applies),
 * {@code insecure_skip_verify}, {@code min_version}, {@code max_version}. Client certificates and
 * {@code server_name} are refused by name: this version cannot honour them.
 */
record TlsSettings(String ca, Path caFile, boolean insecureSkipVerify, String minVersion, String maxVersion) {

    static final Set<String> SUPPORTED = Set.of("ca", "ca_file", "insecure_skip_verify", "min_version", "max_version");
    static final Set<String> UNSUPPORTED = Set.of("cert", "cert_file", "key", "key_file", "server_name", "ca_ref",
            "cert_ref", "key_ref");
    private static final List<String> VERSIONS = List.of("TLS10", "TLS11", "TLS12", "TLS13");

    static final TlsSettings DEFAULT = new TlsSettings(null, null, false, "TLS12", null);

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
        return new TlsSettings(ca, caFile == null ? null : dir.resolve(caFile), c.bool("insecure_skip_verify", false), min, max);
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

    /** The socket factory for SMTPS and STARTTLS, or null for the JVM's default trust. */
    SSLSocketFactory socketFactory() throws IOException, GeneralSecurityException {
        TrustManager[] trust;
        if (insecureSkipVerify) {
            trust = new TrustManager[] {new TrustAll()};
        } else if (ca != null || caFile != null) {
            String pem = ca != null ? ca : Files.readString(caFile, StandardCharsets.UTF_8);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            List<Certificate> certs = new ArrayList<>(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))));
            if (certs.isEmpty()) {
                throw new GeneralSecurityException("no certificate found in the CA " + (caFile != null ? caFile : "of tls_config.ca"));
            }
            for (int i = 0; i < certs.size(); i++) {
                store.setCertificateEntry("ca" + i, certs.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            trust = tmf.getTrustManagers();
        } else {
            return null;
        }
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trust, null);
        return ssl.getSocketFactory();
    }

    /** insecure_skip_verify: the operator chose to accept any certificate. */
    private static final class TrustAll implements X509TrustManager {
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
