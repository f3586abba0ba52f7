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
