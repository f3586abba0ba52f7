package io.promethium.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipFile;
import jdk.security.jarsigner.JarSigner;

/**
 * Test keys made at test time with the JDK's {@code keytool} (the JDK running the tests): a CA
 * and a code-signing key it certifies, or a self-signed key no trust store knows. Jars are signed
 * in process with {@code jdk.security.jarsigner}, the API behind {@code jarsigner}.
 */
final class TestSigning {

    private static final String PASSWORD = "secret";

    final Path caPem;
    private final Path signerStore;

    private TestSigning(Path caPem, Path signerStore) {
        this.caPem = caPem;
        this.signerStore = signerStore;
    }

    /** A CA ({@code CN=<name> CA}, its certificate in {@link #caPem}) and a signer it certified. */
    static TestSigning withCa(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.p12");
        Path signer = dir.resolve("signer.p12");
        Path caPem = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=" + name + " CA", "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caPem.toString());
        keytool("-genkeypair", "-alias", "signer", "-keyalg", "EC", "-dname", "CN=" + name + " Signer", "-validity", "2", "-keystore", signer.toString());
        keytool("-certreq", "-alias", "signer", "-keystore", signer.toString(), "-file", dir.resolve("signer.csr").toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-infile", dir.resolve("signer.csr").toString(),
                "-outfile", dir.resolve("signer.pem").toString(), "-ext", "ku:c=digitalSignature", "-ext", "eku=codeSigning", "-validity", "2");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", signer.toString());
        keytool("-importcert", "-alias", "signer", "-file", dir.resolve("signer.pem").toString(), "-keystore", signer.toString());
        return new TestSigning(caPem, signer);
    }

    /** A self-signed key that no CA vouches for. */
    static TestSigning selfSigned(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        Path signer = dir.resolve("self.p12");
        keytool("-genkeypair", "-alias", "signer", "-keyalg", "EC", "-dname", "CN=" + name, "-validity", "2", "-keystore", signer.toString());
        return new TestSigning(null, signer);
    }

    /** Signs a jar in place, as {@code jarsigner} does. */
    void sign(Path jar) throws Exception {
        KeyStore store = KeyStore.getInstance(signerStore.toFile(), PASSWORD.toCharArray());
        PrivateKey key = (PrivateKey) store.getKey("signer", PASSWORD.toCharArray());
        var chain = CertificateFactory.getInstance("X.509").generateCertPath(List.of(store.getCertificateChain("signer")));
        Path signed = jar.resolveSibling(jar.getFileName() + ".signed");
        try (ZipFile in = new ZipFile(jar.toFile()); var out = Files.newOutputStream(signed)) {
            new JarSigner.Builder(key, chain).signerName("SIGNER").build().sign(in, out);
        }
        Files.move(signed, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** A bundle jar: a manifest with the given headers and one text entry per {@code path=content}. */
    static void bundle(Path jar, String symbolicName, String version, List<String> headers, String... entries) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        for (String header : headers) {
            int colon = header.indexOf(':');
            main.putValue(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (String entry : entries) {
                int eq = entry.indexOf('=');
                out.putNextEntry(new JarEntry(entry.substring(0, eq)));
                out.write(entry.substring(eq + 1).getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
    }

    /** Rewrites a jar entry by entry, replacing one entry's content or, when absent, adding it. */
    static void rewrite(Path jar, String entry, String content) throws IOException {
        Path copy = jar.resolveSibling(jar.getFileName() + ".rewritten");
        boolean replaced = false;
        try (ZipFile in = new ZipFile(jar.toFile()); var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(copy))) {
            for (var e : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                if (e.getName().equals(entry)) {
                    out.write(content.getBytes(StandardCharsets.UTF_8));
                    replaced = true;
                } else {
                    in.getInputStream(e).transferTo(out);
                }
                out.closeEntry();
            }
            if (!replaced) {
                out.putNextEntry(new java.util.zip.ZipEntry(entry));
                out.write(content.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        Files.move(copy, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", PASSWORD));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
