package io.promethium.launcher;

import io.promethium.launcher.spi.PluginFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Which plugin jars may run: with {@code --plugins.trust-store}, only jars whose every entry is
 * signed ({@code jarsigner}'s standard signature, checked by the JDK's {@link JarFile}
 * verification) by a certificate that chains to one of the store's certificates. Without a
 * trust store every jar may run, and its signature is only described.
 */
final class PluginSignatures {

    static final String FLAG = "plugins.trust-store";
    private static final String NOT_SIGNED = "the jar is not signed; --" + FLAG + " admits only jars signed by a trusted key";
    /** Extended key usage for code signing, and "any". */
    private static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
    private static final String ANY_USAGE = "2.5.29.37.0";

    /**
     * A jar's signature: what it is ({@link PluginFile#signature()}), who signed it, what is wrong
     * with it ({@code ""}: nothing), and whether that keeps the jar from running.
     */
    record Verdict(String signature, String signer, String problem, boolean refused) {
        /** The problem prefix of a file that is not a readable jar at all (not a signature matter). */
        static final String UNREADABLE = "cannot read the jar to check its signature: ";

        boolean unreadable() {
            return problem.startsWith(UNREADABLE);
        }
    }

    private final Set<TrustAnchor> anchors;
    private final Path store;

    private PluginSignatures(Set<TrustAnchor> anchors, Path store) {
        this.anchors = anchors;
        this.store = store;
    }

    /** Every jar may run. */
    static PluginSignatures none() {
        return new PluginSignatures(Set.of(), null);
    }

    /**
     * The flag's value: empty for {@link #none()}, else a PEM bundle of certificates or a key store
     * (PKCS12 or JKS) readable without a password or with the JDK's default {@code changeit}.
     */
    static PluginSignatures fromFlag(String value) {
        if (value == null || value.isBlank()) {
            return none();
        }
        Path file = Path.of(value);
        try {
            Set<TrustAnchor> anchors = new HashSet<>();
            for (X509Certificate cert : certificates(file)) {
                anchors.add(new TrustAnchor(cert, null));
            }
            if (anchors.isEmpty()) {
                throw new IllegalArgumentException("--" + FLAG + "=" + value + ": no certificates in it"
                        + " (a PEM bundle, or a PKCS12/JKS store readable without a password or with 'changeit')");
            }
            return new PluginSignatures(Set.copyOf(anchors), file);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("--" + FLAG + "=" + value + ": cannot read it as a PEM bundle or key store: " + e.getMessage(), e);
        }
    }

    boolean enforced() {
        return store != null;
    }

    private static List<X509Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(file);
        List<X509Certificate> certs = new ArrayList<>();
        if (new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.US_ASCII).contains("-----BEGIN")) {
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
                certs.add((X509Certificate) cert);
            }
            return certs;
        }
        // A PKCS12 store's certificates are encrypted with its password when it was made with one
        // (keytool always asks for one): try none, then the JDK's customary default.
        GeneralSecurityException failure = null;
        for (char[] password : new char[][] {null, "changeit".toCharArray()}) {
            try {
                KeyStore store = KeyStore.getInstance(file.toFile(), password);
                for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements(); ) {
                    String alias = aliases.nextElement();
                    Certificate cert = store.isCertificateEntry(alias) || store.isKeyEntry(alias) ? store.getCertificate(alias) : null;
                    if (cert instanceof X509Certificate x509) {
                        certs.add(x509);
                    }
                }
                if (!certs.isEmpty()) {
                    return certs;
                }
            } catch (GeneralSecurityException e) {
                failure = e;
            } catch (IOException e) {
                failure = new GeneralSecurityException(e.getMessage(), e);
            }
        }
        if (failure != null && certs.isEmpty()) {
            throw failure;
        }
        return certs;
    }

    /** Checks a jar; never throws (an unreadable jar is described, and refused when signatures are enforced). */
    Verdict check(Path jar) {
        Set<CodeSigner> common = null;
        List<String> unsigned = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile(), true)) {
            if (!hasSignatureFile(file)) {
                // Unsigned: nothing to check, and not reading every entry keeps the start of big plugins cheap.
                return enforced() ? refuse(PluginFile.UNSIGNED, "", NOT_SIGNED) : new Verdict(PluginFile.UNSIGNED, "", "", false);
            }
            byte[] buffer = new byte[8192];
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                // Reading an entry to its end is what checks it against its signed digest.
                try (InputStream in = file.getInputStream(entry)) {
                    while (in.read(buffer) >= 0) {
                        // only the digest matters
                    }
                }
                if (entry.isDirectory() || signatureFile(entry.getName())) {
                    continue;
                }
                CodeSigner[] signers = entry.getCodeSigners();
                if (signers == null) {
                    unsigned.add(entry.getName());
                } else if (common == null) {
                    common = new LinkedHashSet<>(List.of(signers));
                } else {
                    common.retainAll(List.of(signers));
                }
            }
        } catch (SecurityException e) {
            return refuse(PluginFile.INVALID, "", "signature does not match the jar's content (tampered after signing?): " + e.getMessage());
        } catch (IOException e) {
            // Not a jar: the framework says so when it installs it, unless signatures are enforced.
            return enforced() ? refuse(PluginFile.UNSIGNED, "", Verdict.UNREADABLE + e.getMessage())
                    : new Verdict(PluginFile.UNSIGNED, "", "", false);
        }
        if (common == null && !enforced()) {
            return new Verdict(PluginFile.UNSIGNED, "", "", false);
        }
        if (common == null) {
            return refuse(PluginFile.UNSIGNED, "", NOT_SIGNED);
        }
        String signer = subject(common.isEmpty() ? null : common.iterator().next());
        if (!unsigned.isEmpty()) {
            return refuse(PluginFile.INVALID, signer, "partially signed: " + unsigned.size() + " entr" + (unsigned.size() == 1 ? "y is" : "ies are")
                    + " not covered by the signature (" + String.join(", ", unsigned.subList(0, Math.min(3, unsigned.size())))
                    + (unsigned.size() > 3 ? ", ..." : "") + ")");
        }
        if (common.isEmpty()) {
            return refuse(PluginFile.INVALID, "", "no single signer covers every entry of the jar");
        }
        if (!enforced()) {
            return new Verdict(PluginFile.SIGNED, signer, "", false);
        }
        String why = "";
        for (CodeSigner candidate : common) {
            why = untrusted(candidate);
            if (why.isEmpty()) {
                return new Verdict(PluginFile.TRUSTED, subject(candidate), "", false);
            }
        }
        return refuse(PluginFile.INVALID, signer, "signed by " + signer + ", which no certificate of --" + FLAG + " (" + store + ") vouches for: " + why);
    }

    private static boolean hasSignatureFile(JarFile file) {
        for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
            String name = entries.nextElement().getName();
            if (signatureFile(name) && name.toUpperCase(Locale.ROOT).endsWith(".SF")) {
                return true;
            }
        }
        return false;
    }

    private Verdict refuse(String signature, String signer, String reason) {
        return new Verdict(signature, signer, reason, enforced());
    }

    /** Why a signer's chain does not lead to a trusted certificate, or {@code ""} when it does. */
    private String untrusted(CodeSigner signer) {
        List<? extends Certificate> chain = signer.getSignerCertPath().getCertificates();
        if (chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
            return "no X.509 certificate";
        }
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            if (usages != null && !usages.contains(CODE_SIGNING) && !usages.contains(ANY_USAGE)) {
                return "its certificate is not for code signing (extended key usage " + usages + ")";
            }
            // The anchors themselves are left out of the path the validator checks.
            List<Certificate> path = new ArrayList<>();
            for (Certificate cert : chain) {
                if (isAnchor(cert)) {
                    break;
                }
                path.add(cert);
            }
            if (path.isEmpty()) {
                return "";
            }
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            // A timestamped signature stays valid after its certificate expires, as jarsigner says.
            if (signer.getTimestamp() != null) {
                parameters.setDate(signer.getTimestamp().getTimestamp());
            } else {
                parameters.setDate(new Date());
            }
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
            return "";
        } catch (GeneralSecurityException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
    }

    private boolean isAnchor(Certificate cert) {
        for (TrustAnchor anchor : anchors) {
            if (anchor.getTrustedCert().equals(cert)) {
                return true;
            }
        }
        return false;
    }

    private static String subject(CodeSigner signer) {
        if (signer == null) {
            return "";
        }
        List<? extends Certificate> chain = signer.getSignerCertPath().getCertificates();
        return !chain.isEmpty() && chain.get(0) instanceof X509Certificate leaf ? leaf.getSubjectX500Principal().getName() : "";
    }

    /** The signature's own files, which no signature covers: as the JDK's {@code JarFile} tells them apart. */
    static boolean signatureFile(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (!upper.startsWith("META-INF/") || upper.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        String file = upper.substring("META-INF/".length());
        return file.equals("MANIFEST.MF") || file.endsWith(".SF") || file.endsWith(".RSA") || file.endsWith(".DSA")
                || file.endsWith(".EC") || file.startsWith("SIG-");
    }

    @Override
    public String toString() {
        return enforced() ? "trust store " + store + " (" + anchors.size() + " certificate" + (anchors.size() == 1 ? "" : "s") + ")" : "no trust store";
    }
}
