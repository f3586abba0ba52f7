package io.promethium.goformat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK client's real failures (a closed loopback port, a name under {@code .invalid}, a
 * listener that never answers) worded as Go's net/http words them (the texts promtool 2.42 and
 * 3 print for {@code query instant http://127.0.0.1:1 up}).
 */
class GoNetErrorsTest {

    private static IOException failure(URI uri, Duration timeout) throws InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("no failure for " + uri);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRefusedConnectionNamesTheDialledAddress() throws Exception {
        int port = closedPort();
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query");
        assertThat(GoNetErrors.urlError("Post", uri, failure(uri, Duration.ofSeconds(10))))
                .isEqualTo("Post \"" + uri + "\": dial tcp 127.0.0.1:" + port + ": connect: connection refused");
        URI v6 = URI.create("http://[::1]:" + port + "/-/healthy");
        assertThat(GoNetErrors.cause(v6, new java.net.ConnectException()))
                .isEqualTo("dial tcp [::1]:" + port + ": connect: connection refused");
        URI byName = URI.create("http://localhost/x");
        assertThat(GoNetErrors.cause(byName, new java.net.ConnectException()))
                .isEqualTo("dial tcp " + GoNetErrors.joinHostPort(GoAddresses.format(InetAddress.getByName("localhost")), "80")
                        + ": connect: connection refused");
    }

    @Test
    void anUnknownHostNamesTheResolver() throws Exception {
        URI uri = URI.create("http://nosuchhost.invalid:9090/api/v1/query");
        assertThat(GoNetErrors.cause(uri, failure(uri, Duration.ofSeconds(10))))
                .isEqualTo("dial tcp: lookup nosuchhost.invalid on " + GoNetErrors.nameserver() + ": no such host");
    }

    /**
     * A resolver that never answers: the JDK says glibc's "Temporary failure in name resolution",
     * Go names the read that timed out. Checked against the Debian promtool by running both in a
     * mount namespace whose /etc/resolv.conf names a silent UDP listener (kernel/lib/goformat/README.md).
     */
    @Test
    void aResolverThatDoesNotAnswerIsGosReadTimeout() {
        URI uri = URI.create("http://nohost.example:9090/api/v1/query");
        String ns = GoNetErrors.nameserver();
        String cause = GoNetErrors.cause(uri, new java.io.IOException(
                new java.net.UnknownHostException("nohost.example: " + GoNetErrors.TEMPORARY_FAILURE)));
        assertThat(cause).matches("dial tcp: lookup nohost\\.example on " + java.util.regex.Pattern.quote(ns)
                + ": read udp (\\d+\\.\\d+\\.\\d+\\.\\d+|\\[[0-9a-f:]+\\]):\\d+->" + java.util.regex.Pattern.quote(ns)
                + ": (i/o timeout|read: connection refused)");
    }

    /** A resolver answering SERVFAIL (glibc's temporary failure too) is Go's "server misbehaving". */
    @Test
    void aResolverAnsweringServfailIsMisbehaving() throws Exception {
        try (java.net.DatagramSocket server = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread answering = new Thread(() -> {
                try {
                    java.net.DatagramPacket q = new java.net.DatagramPacket(new byte[512], 512);
                    server.receive(q);
                    byte[] a = java.util.Arrays.copyOf(q.getData(), q.getLength());
                    a[2] = (byte) 0x81;
                    a[3] = (byte) 0x82;
                    server.send(new java.net.DatagramPacket(a, a.length, q.getSocketAddress()));
                } catch (java.io.IOException e) {
                    // the test fails on the probe's answer
                }
            });
            answering.start();
            assertThat(GoNetErrors.probe("127.0.0.1:" + server.getLocalPort(), "nohost.example")[1]).isEqualTo("server misbehaving");
            answering.join(2000);
        }
    }

    /** A silent resolver is a read timeout; a closed resolver port Go's "read: connection refused". */
    @Test
    void aProbeOfTheResolverTellsATimeoutFromAClosedPort() throws Exception {
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String ns = "127.0.0.1:" + silent.getLocalPort();
            assertThat(GoNetErrors.probe(ns, "nohost.example")[1]).isEqualTo("i/o timeout");
            silent.close();
            String[] refused = GoNetErrors.probe(ns, "nohost.example");
            assertThat(refused[0]).matches("127\\.0\\.0\\.1:\\d+");
            assertThat(refused[1]).isEqualTo("read: connection refused");
        }
    }

    @Test
    void theResolverIsTheFirstNameserverOfResolvConfOrGosDefault(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("resolv.conf"), "# x\nsearch example.org\nnameserver 10.0.0.53\nnameserver 10.0.0.54\n");
        assertThat(GoNetErrors.nameserver(conf)).isEqualTo("10.0.0.53:53");
        Files.writeString(conf, "nameserver fe80::1%eth0\n");
        assertThat(GoNetErrors.nameserver(conf)).isEqualTo("[fe80::1]:53");
        assertThat(GoNetErrors.nameserver(dir.resolve("missing"))).isEqualTo("127.0.0.1:53");
    }

    @Test
    void aRequestThatTimesOutIsAContextDeadline() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            URI uri = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/-/healthy");
            assertThat(GoNetErrors.urlError("Get", uri, failure(uri, Duration.ofMillis(300))))
                    .isEqualTo("Get \"" + uri + "\": context deadline exceeded");
        }
    }

    @Test
    void aPasswordIsStrippedAsNetHttpDoes() {
        assertThat(GoNetErrors.stripPassword(URI.create("http://u:p@127.0.0.1:1/api/v1/query")))
                .isEqualTo("http://u:***@127.0.0.1:1/api/v1/query");
        assertThat(GoNetErrors.stripPassword(URI.create("http://u@127.0.0.1:1/x"))).isEqualTo("http://u@127.0.0.1:1/x");
    }

    @Test
    void anHttpStatusThatIsNoApiAnswerIsWordedAsClientGolang() {
        assertThat(GoNetErrors.apiStatusError(404)).isEqualTo("client_error: client error: 404");
        assertThat(GoNetErrors.apiStatusError(503)).isEqualTo("server_error: server error: 503");
        assertThat(GoNetErrors.apiStatusError(302)).isEqualTo("bad_response: bad response code 302");
    }

    @Test
    void otherFailuresKeepTheirMessage() {
        assertThat(GoNetErrors.cause(URI.create("http://h/"), new IOException("HTTP/1.1 header parser received no bytes")))
                .isEqualTo("EOF");
        assertThat(GoNetErrors.cause(URI.create("http://h/"), new IOException("boom"))).isEqualTo("boom");
    }
}
