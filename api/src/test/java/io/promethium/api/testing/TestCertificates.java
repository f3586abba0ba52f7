package io.promethium.api.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A private certificate authority and a server certificate it signed (SAN 127.0.0.1 and
 * localhost), made with the JDK's keytool, for TLS tests on loopback: a client configured with
 * {@code ca_file: ca.pem} trusts the server, one without it does not (the server certificate is
 * not self-signed, so trusting the CA is what is checked).
 *
 * @param caPem the CA's certificate (PEM), for {@code tls_config.ca_file}
 * @param serverKeyStore the server's key and chain (PKCS#12, password {@link #PASSWORD})
 */
public record TestCertificates(Path caPem, Path serverKeyStore) {

    public static final String PASSWORD = "changeit";

    /** Makes the CA and the server certificate in {@code dir} (a few keytool runs: do it once per test class). */
    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        return create(dir, "Promethium Test CA");
    }

    /**
     * The same with the CA named {@code caName} (its CN): tests that need two unrelated CAs (one
     * that signed the server, one that did not) give them different names, as two real CAs have.
     * The CA's and the server's key pairs (the slow steps, a JVM each) are made at the same time.
     */
    public static TestCertificates create(Path dir, String caName) throws IOException, InterruptedException {
        String keytool = keytool();
        Path ca = dir.resolve("ca.p12");
        Path caPem = dir.resolve("ca.pem");
        Path server = dir.resolve("server.p12");
        Path request = dir.resolve("server.csr");
        Path signed = dir.resolve("server.pem");
        List<String> store = List.of("-storetype", "PKCS12", "-storepass", PASSWORD);
        Process serverKey = start(keytool, store, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-keypass", PASSWORD,
                "-dname", "CN=localhost", "-validity", "2", "-keystore", server.toString());
        try {
            createCa(dir, caName);
            finish(serverKey, "-genkeypair");
        } finally {
            serverKey.destroy();
        }
        run(keytool, store, "-certreq", "-alias", "server", "-keystore", server.toString(), "-file", request.toString());
        run(keytool, store, "-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-infile", request.toString(),
                "-outfile", signed.toString(), "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2");
        run(keytool, store, "-importcert", "-noprompt", "-alias", "ca", "-keystore", server.toString(), "-file", caPem.toString());
        run(keytool, store, "-importcert", "-alias", "server", "-keystore", server.toString(), "-file", signed.toString());
        return new TestCertificates(caPem, server);
    }

    /**
     * Only a CA (its key in {@code dir/ca.p12}, its certificate in the returned {@code dir/ca.pem}):
     * two keytool runs, for tests that need a CA that signed nothing the server presents.
     */
    public static Path createCa(Path dir, String caName) throws IOException, InterruptedException {
        String keytool = keytool();
        Path ca = dir.resolve("ca.p12");
        Path caPem = dir.resolve("ca.pem");
        List<String> store = List.of("-storetype", "PKCS12", "-storepass", PASSWORD);
        run(keytool, store, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-keypass", PASSWORD, "-dname", "CN=" + caName,
                "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
        run(keytool, store, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", caPem.toString());
        return caPem;
    }

    private static String keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    /** A server-side TLS context presenting the CA-signed certificate. */
    public SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverKeyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        return context;
    }

    private static void run(String keytool, List<String> store, String... args) throws IOException, InterruptedException {
        Process p = start(keytool, store, args);
        try {
            finish(p, args[0]);
        } finally {
            p.destroy();
        }
    }

    private static Process start(String keytool, List<String> store, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(keytool);
        if (!args[0].equals("-genkeypair")) {
            // The quick steps start a JVM each, which dominates them: the client compiler and serial GC start sooner.
            // Key generation keeps the defaults (the optimizing compiler makes its RSA arithmetic faster).
            command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        }
        command.addAll(List.of(args));
        command.addAll(store);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void finish(Process p, String step) throws IOException, InterruptedException {
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + step + " failed: " + output.strip());
        }
    }
}
