package io.promethium.discovery.kubernetes.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * Where a pod finds its API server and credentials: the {@code KUBERNETES_SERVICE_HOST} and
 * {@code _PORT} variables and the service account's token, CA and namespace files.
 */
record InCluster(String host, String port, Path tokenFile, Path caFile, Path namespaceFile) {

    static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    static InCluster fromEnvironment() {
        return new InCluster(System.getenv("KUBERNETES_SERVICE_HOST"), System.getenv("KUBERNETES_SERVICE_PORT"),
                SERVICE_ACCOUNT.resolve("token"), SERVICE_ACCOUNT.resolve("ca.crt"), SERVICE_ACCOUNT.resolve("namespace"));
    }

    /** The API server's URL. @throws IllegalStateException outside a cluster, as client-go says it */
    String apiServer() {
        if (host == null || host.isEmpty() || port == null || port.isEmpty()) {
            throw new IllegalStateException("unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and "
                    + "KUBERNETES_SERVICE_PORT must be defined");
        }
        return "https://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The pod's own namespace. */
    String ownNamespace() throws IOException {
        return Files.readString(namespaceFile).strip();
    }

    /**
     * The service account token, re-read whenever the file changes: the kubelet rotates
     * projected tokens, and a token read once would expire.
     */
    static final class Token {
        private final Path file;
        private FileTime readAt;
        private long size = -1;
        private long readNanos;
        private String token;

        Token(Path file) {
            this.file = file;
        }

        synchronized String get() throws IOException {
            FileTime modified = Files.getLastModifiedTime(file);
            long length = Files.size(file);
            // Also once a minute, as client-go: a rewrite within the clock's granularity keeps mtime and size.
            if (token == null || !modified.equals(readAt) || length != size || System.nanoTime() - readNanos > 60_000_000_000L) {
                token = Files.readString(file).strip();
                readNanos = System.nanoTime();
                readAt = modified;
                size = length;
            }
            return token;
        }
    }
}
