package io.promethium.sigv4;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback stand-in for the AWS endpoints a credentials chain calls, shaped as AWS documents
 * them (no real one is reachable from a test, and no packaged emulator is: Debian 12 has no
 * {@code python3-moto}): STS at {@code /sts/} ({@code AssumeRole}, its SigV4 signature computed
 * again with the secret of the key it names, and {@code AssumeRoleWithWebIdentity}, unsigned,
 * its token compared with the token file's current text; the {@code ...Response} XML, or
 * {@code ErrorResponse}); the instance metadata service at {@code /imds/} (IMDSv2: a token from
 * {@code PUT latest/api/token} required on every {@code GET}; the role's name, then its JSON
 * credentials); the container credentials endpoint at {@code /ecs/creds} (the
 * {@code Authorization} header compared, JSON credentials). Each source's credentials carry a
 * counter, so a test sees when they were fetched again.
 */
final class AwsStandIn implements AutoCloseable {

    final HttpServer server;
    /** Each STS form received, in order. */
    final List<Map<String, String>> stsForms = new CopyOnWriteArrayList<>();
    /** The secret of each access key the stand-in knows (base keys given by the test, role keys it issued). */
    final Map<String, String> secrets = new ConcurrentHashMap<>();
    final AtomicReference<Instant> expiration = new AtomicReference<>(Instant.parse("2026-01-02T04:04:05Z"));
    final AtomicReference<Path> webIdentityTokenFile = new AtomicReference<>();
    final AtomicReference<String> containerToken = new AtomicReference<>("");
    final AtomicInteger imdsRequests = new AtomicInteger();
    final AtomicInteger containerRequests = new AtomicInteger();
    private final AtomicInteger issued = new AtomicInteger();

    AwsStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/sts/", this::sts);
        server.createContext("/imds/", this::imds);
        server.createContext("/ecs/creds", this::container);
        server.start();
    }

    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void sts(HttpExchange x) throws IOException {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> form = form(body);
        String action = form.getOrDefault("Action", "");
        if (action.equals("AssumeRoleWithWebIdentity")) {
            String expected = webIdentityTokenFile.get() == null ? null : Files.readString(webIdentityTokenFile.get());
            if (x.getRequestHeaders().containsKey("Authorization") || !form.getOrDefault("WebIdentityToken", "").equals(expected)) {
                error(x, 400, "InvalidIdentityToken", "the token is not the token file's, or the request is signed");
                return;
            }
        } else if (action.equals("AssumeRole")) {
            if (!signatureValid(x, body.getBytes(StandardCharsets.UTF_8))) {
                error(x, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match");
                return;
            }
        } else {
            error(x, 400, "InvalidAction", "unknown action " + action);
            return;
        }
        stsForms.add(form);
        int n = issued.incrementAndGet();
        String id = (action.equals("AssumeRole") ? "ASIAROLE" : "ASIAWEB") + n;
        secrets.put(id, "secret-" + n);
        reply(x, 200, "text/xml", "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><" + action + "Result>"
                + "<Credentials><AccessKeyId>" + id + "</AccessKeyId><SecretAccessKey>secret-" + n + "</SecretAccessKey>"
                + "<SessionToken>token-" + n + "</SessionToken><Expiration>" + expiration.get() + "</Expiration></Credentials>"
                + "</" + action + "Result><ResponseMetadata><RequestId>r" + n + "</RequestId></ResponseMetadata></" + action + "Response>");
    }

    private void error(HttpExchange x, int status, String code, String message) throws IOException {
        reply(x, status, "text/xml", "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                + "<Code>" + code + "</Code><Message>" + message + "</Message></Error><RequestId>e</RequestId></ErrorResponse>");
    }

    private void imds(HttpExchange x) throws IOException {
        imdsRequests.incrementAndGet();
        String path = x.getRequestURI().getPath().substring("/imds/".length());
        if (path.equals("latest/api/token")) {
            boolean ok = x.getRequestMethod().equals("PUT") && x.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds") != null;
            reply(x, ok ? 200 : 400, "text/plain", ok ? "imds-session-token" : "");
            return;
        }
        if (!"imds-session-token".equals(x.getRequestHeaders().getFirst("X-aws-ec2-metadata-token"))) {
            reply(x, 401, "text/plain", "");
            return;
        }
        if (path.equals("latest/meta-data/iam/security-credentials/")) {
            reply(x, 200, "text/plain", "ec2-role");
        } else if (path.equals("latest/meta-data/iam/security-credentials/ec2-role")) {
            int n = issued.incrementAndGet();
            secrets.put("ASIAEC2" + n, "secret-" + n);
            reply(x, 200, "text/plain", "{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \"2026-01-02T03:00:00Z\",\n  \"Type\" : \"AWS-HMAC\",\n"
                    + "  \"AccessKeyId\" : \"ASIAEC2" + n + "\",\n  \"SecretAccessKey\" : \"secret-" + n + "\",\n  \"Token\" : \"token-" + n
                    + "\",\n  \"Expiration\" : \"" + expiration.get() + "\"\n}");
        } else {
            reply(x, 404, "text/plain", "");
        }
    }

    private void container(HttpExchange x) throws IOException {
        containerRequests.incrementAndGet();
        String auth = x.getRequestHeaders().getFirst("Authorization");
        if (!containerToken.get().equals(auth == null ? "" : auth)) {
            reply(x, 403, "application/json", "{\"code\":\"AccessDenied\",\"message\":\"bad authorization token\"}");
            return;
        }
        int n = issued.incrementAndGet();
        secrets.put("ASIAECS" + n, "secret-" + n);
        reply(x, 200, "application/json", "{\"AccessKeyId\":\"ASIAECS" + n + "\",\"SecretAccessKey\":\"secret-" + n + "\",\"Token\":\"token-"
                + n + "\",\"Expiration\":\"" + expiration.get() + "\",\"RoleArn\":\"arn:aws:iam::123456789012:role/task\"}");
    }

    private static void reply(HttpExchange x, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", type);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            x.getResponseBody().write(bytes);
        }
        x.close();
    }

    /** The signature computed again from the request as received, with the secret of the key it names. */
    private boolean signatureValid(HttpExchange x, byte[] body) {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        String date = x.getRequestHeaders().getFirst("X-Amz-Date");
        if (auth == null || date == null) {
            return false;
        }
        Matcher m = Pattern.compile(
                "AWS4-HMAC-SHA256 Credential=([A-Z0-9]+)/(\\d{8})/([^/]+)/sts/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})")
                .matcher(auth);
        if (!m.matches() || !secrets.containsKey(m.group(1))) {
            return false;
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String name : m.group(4).split(";")) {
            if (!name.equals("x-amz-date") && !name.equals("x-amz-security-token")) {
                headers.add(Map.entry(name, x.getRequestHeaders().getFirst(name)));
            }
        }
        String token = x.getRequestHeaders().getFirst("X-Amz-Security-Token");
        Instant time = ZonedDateTime.parse(date, DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX")).toInstant();
        SigV4Signer.Signed again = new SigV4Signer(m.group(3), "sts").sign(x.getRequestMethod(), x.getRequestURI().getPath(),
                x.getRequestURI().getRawQuery(), headers, body, new AwsCredentials(m.group(1), secrets.get(m.group(1)), token), time, false);
        return again.signature().equals(m.group(5));
    }

    static Map<String, String> form(String body) {
        Map<String, String> out = new TreeMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
