package io.promethium.notifiers.sns;

import io.promethium.api.testing.RecordingHttpServer.Request;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.sigv4.AwsCredentials;
import io.promethium.sigv4.SigV4Signer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback stand-in for the SNS query API that checks a request as AWS does: it reads the
 * {@code Authorization} header, takes the headers it names as signed and the received body,
 * recomputes the signature with the secret key it knows for the access key, and answers 403
 * {@code SignatureDoesNotMatch} (AWS's error body) when they differ, else AWS's
 * {@code PublishResponse}. The request's form parameters are kept for the test to compare. It
 * stands in for STS {@code AssumeRole} too ({@link #answerSts}).
 */
final class SnsStandIn {

    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");
    private final Map<String, String> secrets;
    private final String service;
    final List<Map<String, String>> published = new ArrayList<>();

    SnsStandIn(Map<String, String> secrets) {
        this(secrets, "sns");
    }

    /** A stand-in that wants the Publish signed for {@code service} (an endpoint behind a gateway signing for another name). */
    SnsStandIn(Map<String, String> secrets, String service) {
        this.secrets = secrets;
        this.service = service;
    }

    Response answer(Request r) {
        Response refused = verify(r, service);
        if (refused != null) {
            return refused;
        }
        Map<String, String> form = form(r);
        synchronized (published) {
            published.add(form);
        }
        return Response.of(200, "text/xml", "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
                + "<MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId></PublishResult><ResponseMetadata>"
                + "<RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId></ResponseMetadata></PublishResponse>");
    }

    /**
     * STS {@code AssumeRole} as AWS documents it: the request's signature checked for service
     * {@code sts} with the base secret, the form kept in {@link #assumed}, and the
     * {@code AssumeRoleResponse} giving {@code roleKey}/{@code roleSecret} with a session token,
     * valid for an hour.
     */
    Response answerSts(Request r, String roleKey, String roleSecret) {
        Response refused = verify(r, "sts");
        if (refused != null) {
            return refused;
        }
        synchronized (assumed) {
            assumed.add(form(r));
        }
        return Response.of(200, "text/xml", "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                + "<AssumedRoleUser><AssumedRoleId>AROA3XFRBF535PLBIFPI4:s</AssumedRoleId>"
                + "<Arn>arn:aws:sts::123456789012:assumed-role/alerts/s</Arn></AssumedRoleUser><Credentials>"
                + "<AccessKeyId>" + roleKey + "</AccessKeyId><SecretAccessKey>" + roleSecret + "</SecretAccessKey>"
                + "<SessionToken>role-session-token</SessionToken><Expiration>" + java.time.Instant.now().plusSeconds(3600)
                + "</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7"
                + "</RequestId></ResponseMetadata></AssumeRoleResponse>");
    }

    /**
     * STS {@code AssumeRoleWithWebIdentity} as AWS documents it: unsigned (a signed request is
     * refused), the token must be {@code token}'s text (the projected service account token EKS
     * writes); the form kept in {@link #assumed}; the answer gives {@code roleKey}/{@code roleSecret}
     * with a session token, valid for an hour.
     */
    Response answerWebIdentity(Request r, java.nio.file.Path token, String roleKey, String roleSecret) throws java.io.IOException {
        Map<String, String> form = form(r);
        if (r.header("Authorization") != null || !"AssumeRoleWithWebIdentity".equals(form.get("Action"))
                || !java.nio.file.Files.readString(token).equals(form.get("WebIdentityToken"))) {
            return Response.of(400, "text/xml", "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
                    + "<Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>bad token</Message></Error></ErrorResponse>");
        }
        synchronized (assumed) {
            assumed.add(form);
        }
        return Response.of(200, "text/xml", "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>system:serviceaccount:monitoring:alertmanager"
                + "</SubjectFromWebIdentityToken><Credentials><AccessKeyId>" + roleKey + "</AccessKeyId><SecretAccessKey>" + roleSecret
                + "</SecretAccessKey><SessionToken>web-session-token</SessionToken><Expiration>" + java.time.Instant.now().plusSeconds(3600)
                + "</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>");
    }

    final List<Map<String, String>> assumed = new ArrayList<>();

    private static Map<String, String> form(Request r) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : new String(r.body(), StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    /** Null when the request is signed right for {@code service}, else AWS's refusal. */
    private Response verify(Request r, String service) {
        Matcher m = AUTH.matcher(String.valueOf(r.header("Authorization")));
        if (!m.matches()) {
            return error(403, "IncompleteSignature", "Authorization header requires Credential, SignedHeaders and Signature");
        }
        String secret = secrets.get(m.group(1));
        if (secret == null) {
            return error(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
        }
        if (!m.group(4).equals(service)) {
            return error(403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: '" + service + "'.");
        }
        String amzDate = r.header("X-Amz-Date");
        List<Map.Entry<String, String>> signed = new ArrayList<>();
        for (String name : m.group(5).split(";")) {
            if (name.equals("x-amz-date") || name.equals("x-amz-security-token")) {
                continue; // the signer adds these itself
            }
            String value = name.equals("host") ? r.header("Host") : r.header(name);
            if (value == null) {
                return error(403, "SignatureDoesNotMatch", "signed header " + name + " is missing");
            }
            signed.add(new AbstractMap.SimpleEntry<>(name, value));
        }
        SigV4Signer.Signed expected = new SigV4Signer(m.group(3), service).sign(r.method(), r.uri().getPath(), r.uri().getRawQuery(),
                signed, r.body(), new AwsCredentials(m.group(1), secret, r.header("X-Amz-Security-Token")),
                LocalDateTime.parse(amzDate, DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")).toInstant(ZoneOffset.UTC), false);
        if (!expected.signature().equals(m.group(6))) {
            return error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. "
                    + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");
        }
        return null;
    }

    /** AWS's query-protocol error body. */
    static Response error(int status, String code, String message) {
        return Response.of(status, "text/xml", "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error>"
                + "<Type>" + (status / 100 == 5 ? "Receiver" : "Sender") + "</Type><Code>" + code + "</Code><Message>" + message
                + "</Message></Error><RequestId>9b2ab3b6-0000-0000-0000-000000000000</RequestId></ErrorResponse>");
    }
}
