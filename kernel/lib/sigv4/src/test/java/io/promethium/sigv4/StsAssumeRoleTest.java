package io.promethium.sigv4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * STS AssumeRole against a loopback stand-in of STS (no real STS is reachable from a test): it
 * answers as AWS documents {@code AssumeRole} (the {@code AssumeRoleResponse} XML, the
 * {@code ErrorResponse} for an error) and checks each request's SigV4 signature by computing it
 * again from the request as received (method, path, the headers named in {@code SignedHeaders},
 * the body and {@code X-Amz-Date}) with the base secret key; a wrong signature gets STS's
 * {@code SignatureDoesNotMatch}.
 */
class StsAssumeRoleTest {

    private static final String SECRET = "base-secret";
    private static final AwsCredentials BASE = new AwsCredentials("AKIDBASE", SECRET, null);
    private static final String ROLE = "arn:aws:iam::123456789012:role/alerts";
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    private HttpServer server;
    private final List<Map<String, String>> forms = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> expiration = new AtomicReference<>("2026-01-02T04:04:05Z");
    private final AtomicInteger status = new AtomicInteger(200);
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange x) throws IOException {
        byte[] body = x.getRequestBody().readAllBytes();
        String reply;
        int code;
        if (!signatureValid(x, body)) {
            code = 403;
            reply = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                    + "<Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message>"
                    + "</Error><RequestId>r1</RequestId></ErrorResponse>";
        } else if (status.get() != 200) {
            code = status.get();
            reply = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                    + "<Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message>"
                    + "</Error><RequestId>r2</RequestId></ErrorResponse>";
        } else {
            forms.add(form(new String(body, StandardCharsets.UTF_8)));
            code = 200;
            reply = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                    + "<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/alerts/s</Arn>"
                    + "</AssumedRoleUser><Credentials><AccessKeyId>ASIAROLE" + forms.size() + "</AccessKeyId>"
                    + "<SecretAccessKey>role-secret</SecretAccessKey><SessionToken>FwoGZXIvYXdz+/token=</SessionToken>"
                    + "<Expiration>" + expiration.get() + "</Expiration></Credentials></AssumeRoleResult>"
                    + "<ResponseMetadata><RequestId>r3</RequestId></ResponseMetadata></AssumeRoleResponse>";
        }
        byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "text/xml");
        x.sendResponseHeaders(code, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    /** The signature computed again from the request as received, with the base secret. */
    private static boolean signatureValid(HttpExchange x, byte[] body) {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        String date = x.getRequestHeaders().getFirst("X-Amz-Date");
        if (auth == null || date == null) {
            return false;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "AWS4-HMAC-SHA256 Credential=AKIDBASE/(\\d{8})/([^/]+)/sts/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})")
                .matcher(auth);
        if (!m.matches()) {
            return false;
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String name : m.group(3).split(";")) {
            if (!name.equals("x-amz-date")) {
                headers.add(Map.entry(name, x.getRequestHeaders().getFirst(name)));
            }
        }
        Instant time = ZonedDateTime.parse(date, DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX")).toInstant();
        SigV4Signer.Signed again = new SigV4Signer(m.group(2), "sts").sign(x.getRequestMethod(), x.getRequestURI().getPath(),
                x.getRequestURI().getRawQuery(), headers, body, BASE, time, false);
        return again.signature().equals(m.group(4));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new TreeMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private StsAssumeRole.Answer post(URI uri, List<Map.Entry<String, String>> headers, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(h -> b.header(h.getKey(), h.getValue()));
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new StsAssumeRole.Answer(r.statusCode(), r.body());
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private StsAssumeRole sts(String externalId, Clock clock) {
        return new StsAssumeRole(ROLE, externalId, "promethium-1", "eu-west-1", endpoint(), this::post, clock);
    }

    @Test
    void assumesTheRoleWithASignedRequestAndReadsTheTemporaryCredentials() throws Exception {
        StsAssumeRole.Temporary t = sts("ext-1", Clock.systemUTC()).assume(BASE);
        assertThat(t.credentials()).isEqualTo(new AwsCredentials("ASIAROLE1", "role-secret", "FwoGZXIvYXdz+/token="));
        assertThat(t.expiration()).isEqualTo(Instant.parse("2026-01-02T04:04:05Z"));
        assertThat(forms).containsExactly(Map.of("Action", "AssumeRole", "RoleArn", ROLE, "RoleSessionName", "promethium-1",
                "Version", "2011-06-15", "ExternalId", "ext-1"));
    }

    @Test
    void noExternalIdSendsNone() throws Exception {
        sts("", Clock.systemUTC()).assume(BASE);
        assertThat(forms.get(0)).doesNotContainKey("ExternalId");
    }

    @Test
    void aSignatureWithTheWrongSecretIsRefusedByTheStandIn() {
        assertThatThrownBy(() -> sts("", Clock.systemUTC()).assume(new AwsCredentials("AKIDBASE", "wrong", null)))
                .hasMessage("operation error STS: AssumeRole: 403 SignatureDoesNotMatch: The request signature we calculated does not match");
    }

    @Test
    void anErrorAnswerNamesStatusCodeAndMessage() {
        status.set(403);
        assertThatThrownBy(() -> sts("", Clock.systemUTC()).assume(BASE))
                .hasMessage("operation error STS: AssumeRole: 403 AccessDenied: User is not authorized to perform: sts:AssumeRole");
    }

    @Test
    void aTransportFailureNamesTheOperation() {
        StsAssumeRole sts = new StsAssumeRole(ROLE, "", "s", "eu-west-1", endpoint(), (u, h, b) -> {
            throw new IOException("connection refused");
        }, Clock.systemUTC());
        assertThatThrownBy(() -> sts.assume(BASE)).hasMessage("operation error STS: AssumeRole: connection refused");
    }

    @Test
    void anAnswerThatIsNotXmlIsAnError() {
        StsAssumeRole sts = new StsAssumeRole(ROLE, "", "s", "eu-west-1", endpoint(),
                (u, h, b) -> new StsAssumeRole.Answer(200, "<html".getBytes(StandardCharsets.UTF_8)), Clock.systemUTC());
        assertThatThrownBy(() -> sts.assume(BASE)).hasMessageStartingWith("operation error STS: AssumeRole: the answer is not XML");
    }

    @Test
    void roleCredentialsAreKeptUntilAMinuteBeforeTheyExpire() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(NOW);
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        // The stand-in checks signatures against the time in X-Amz-Date, so a fixed clock signs validly.
        AtomicInteger baseCalls = new AtomicInteger();
        RoleCredentials role = new RoleCredentials(() -> {
            baseCalls.incrementAndGet();
            return BASE;
        }, sts("", clock), clock);
        assertThat(role.get().accessKeyId()).isEqualTo("ASIAROLE1");
        now.set(NOW.plusSeconds(3000));
        assertThat(role.get().accessKeyId()).isEqualTo("ASIAROLE1");
        now.set(NOW.plusSeconds(3541)); // 59 s before the expiration
        assertThat(role.get().accessKeyId()).isEqualTo("ASIAROLE2");
        assertThat(baseCalls).hasValue(2);
    }

    @Test
    void theEndpointIsTheEnvironmentsOrTheRegions() {
        assertThat(StsAssumeRole.endpoint("eu-west-1", n -> null)).isEqualTo(URI.create("https://sts.eu-west-1.amazonaws.com/"));
        assertThat(StsAssumeRole.endpoint("eu-west-1", n -> n.equals("AWS_ENDPOINT_URL_STS") ? "http://127.0.0.1:1/sts/" : null))
                .isEqualTo(URI.create("http://127.0.0.1:1/sts/"));
        assertThat(StsAssumeRole.endpoint("cn-north-1", n -> null)).isEqualTo(URI.create("https://sts.cn-north-1.amazonaws.com.cn/"));
    }

    @Test
    void theFipsEndpointIsTheSdksAndRefusedWithACustomEndpoint() {
        assertThat(StsAssumeRole.endpoint("us-east-1", true, n -> null)).isEqualTo(URI.create("https://sts-fips.us-east-1.amazonaws.com/"));
        assertThat(StsAssumeRole.endpoint("us-east-1", false, n -> null)).isEqualTo(URI.create("https://sts.us-east-1.amazonaws.com/"));
        assertThat(StsAssumeRole.endpoint("us-gov-west-1", true, n -> null))
                .as("GovCloud's regional STS endpoint is its FIPS one").isEqualTo(URI.create("https://sts.us-gov-west-1.amazonaws.com/"));
        assertThat(StsAssumeRole.endpoint("us-iso-east-1", true, n -> null)).isEqualTo(URI.create("https://sts-fips.us-iso-east-1.c2s.ic.gov/"));
        assertThatThrownBy(() -> StsAssumeRole.endpoint("us-east-1", true, n -> n.equals("AWS_ENDPOINT_URL_STS") ? "http://127.0.0.1:1/" : null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FIPS and custom endpoint are not supported")
                .hasMessageContaining("AWS_ENDPOINT_URL_STS");
    }

    @Test
    void credentialsNeverShowTheSecretOrToken() throws Exception {
        assertThat(sts("", Clock.systemUTC()).assume(BASE).toString()).doesNotContain("role-secret", "FwoGZXIvYXdz");
    }
}
