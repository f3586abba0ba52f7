package io.promethium.sigv4;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * AWS's published signing test suite (src/test/resources/aws-signing-test-suite, Apache 2.0):
 * each case's canonical request, string to sign and signature, checked separately so a failure
 * says which step differs.
 */
class SigV4SignerTest {

    static final String SUITE = "/aws-signing-test-suite/v4/";

    /**
     * Every case of the suite's v4 folder but those that do not apply to the services signed here:
     * the {@code -unnormalized} ones (S3's mode, which keeps the path as written),
     * {@code get-header-value-multiline} (a header value no HTTP client sends) and
     * {@code post-sts-header-after} (the token added after signing).
     */
    static Stream<String> cases() {
        return Stream.of("get-header-key-duplicate", "get-header-value-order", "get-header-value-trim", "get-space-normalized",
                "get-unreserved", "get-utf8", "get-vanilla", "get-vanilla-empty-query-key", "get-vanilla-query",
                "get-vanilla-query-order-encoded", "get-vanilla-query-order-key-case", "get-vanilla-query-unreserved",
                "get-vanilla-utf8-query", "get-vanilla-with-session-token", "post-header-key-case", "post-header-key-sort",
                "post-header-value-case", "post-vanilla", "post-vanilla-empty-query-value", "post-vanilla-query",
                "post-x-www-form-urlencoded", "post-x-www-form-urlencoded-parameters", "get-relative-normalized", "get-relative-relative-normalized", "get-slash-dot-slash-normalized", "get-slash-normalized", "get-slash-pointless-dot-normalized", "get-slashes-normalized", "post-sts-header-before");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void signsEachSuiteCaseAsAwsPublishesIt(String name) throws IOException {
        String context = read(name, "context.json");
        AwsCredentials credentials = new AwsCredentials(field(context, "access_key_id"), field(context, "secret_access_key"),
                field(context, "token"));
        boolean signBody = context.contains("\"sign_body\": true");
        String request = read(name, "request.txt");
        int end = request.indexOf("\n\n");
        String head = end < 0 ? request : request.substring(0, end);
        String body = end < 0 ? "" : request.substring(end + 2);
        String[] lines = head.split("\n");
        String target = lines[0].substring(lines[0].indexOf(' ') + 1, lines[0].lastIndexOf(' '));
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.add(new AbstractMap.SimpleEntry<>(lines[i].substring(0, colon), lines[i].substring(colon + 1)));
        }
        int q = target.indexOf('?');
        SigV4Signer.Signed signed = new SigV4Signer(field(context, "region"), field(context, "service")).sign(
                lines[0].substring(0, lines[0].indexOf(' ')), q < 0 ? target : target.substring(0, q), q < 0 ? null : target.substring(q + 1),
                headers, body.getBytes(StandardCharsets.UTF_8), credentials, Instant.parse(field(context, "timestamp")), signBody);
        assertThat(signed.canonicalRequest()).isEqualTo(read(name, "header-canonical-request.txt"));
        assertThat(signed.stringToSign()).isEqualTo(read(name, "header-string-to-sign.txt"));
        assertThat(signed.signature()).isEqualTo(read(name, "header-signature.txt").strip());
        assertThat(signed.authorization()).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=")
                .endsWith(", Signature=" + signed.signature());
    }

    private static String read(String name, String file) throws IOException {
        try (InputStream in = SigV4SignerTest.class.getResourceAsStream(SUITE + name + "/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }
}
