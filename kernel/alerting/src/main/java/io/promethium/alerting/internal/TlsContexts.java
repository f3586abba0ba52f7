package io.promethium.alerting.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.config.model.HttpClientConfig.TlsConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Builds an {@link SSLContext} from a {@code tls_config}: a CA file (PEM), an optional client
 * certificate and PKCS#8 key (PEM), or {@code insecure_skip_verify}.
 */
final class TlsContexts {

    private TlsContexts() {
    }

    static SSLContext of(TlsConfig tls, Path baseDir) throws ConfigException {
        try {
            TrustManager[] trust = null;
            if (tls.insecureSkipVerify()) {
                trust = new TrustManager[] {new TrustAll()};
            } else if (!tls.caFile().isEmpty()) {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                int i = 0;
                for (Certificate c : certificates(resolve(baseDir, tls.caFile()))) {
                    ks.setCertificateEntry("ca" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                trust = tmf.getTrustManagers();
            }
            javax.net.ssl.KeyManager[] keys = null;
            if (!tls.certFile().isEmpty() && !tls.keyFile().isEmpty()) {
                List<Certificate> chain = certificates(resolve(baseDir, tls.certFile()));
                PrivateKey key = privateKey(resolve(baseDir, tls.keyFile()));
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                ks.setKeyEntry("client", key, new char[0], chain.toArray(new Certificate[0]));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
                keys = kmf.getKeyManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, new SecureRandom());
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("tls_config: " + e.getMessage(), e);
        }
    }

    private static Path resolve(Path baseDir, String file) {
        Path p = Path.of(file);
        return baseDir == null || p.isAbsolute() ? p : baseDir.resolve(p);
    }

    private static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<Certificate> out = new ArrayList<>(cf.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file))));
        if (out.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + file);
        }
        return out;
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < 0) {
            throw new GeneralSecurityException(file + ": expected a PKCS#8 PEM key (BEGIN PRIVATE KEY)");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Try the next algorithm.
            }
        }
        throw new GeneralSecurityException(file + ": unsupported private key algorithm");
    }

    /** For {@code insecure_skip_verify: true} only. */
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
