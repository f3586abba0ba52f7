package io.promethium.sigv4;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * STS {@code AssumeRole} as the AWS SDKs call it for a {@code role_arn}: a form-encoded POST
 * ({@code Action=AssumeRole&RoleArn=...&RoleSessionName=...&Version=2011-06-15}, and
 * {@code ExternalId} when given) to the STS endpoint, signed with SigV4 for service {@code sts}
 * with the base credentials; the answer's {@code Credentials} (access key, secret key, session
 * token, expiration) are the temporary credentials. The XML answer is read with the JDK's DOM,
 * no DTDs and no external entities. The HTTP exchange is the caller's ({@link Transport}), so
 * each plugin sends it through its own configured client. Immutable; thread-safe.
 */
public final class StsAssumeRole {

    /** Sends the signed request; the caller's HTTP client, timeouts and proxy apply. */
    @FunctionalInterface
    public interface Transport {
        /**
         * POSTs {@code body} to {@code uri} with {@code headers} (signed, and {@code Content-Type}).
         *
         * @return the status and the body of the answer
         */
        Answer post(URI uri, List<Map.Entry<String, String>> headers, byte[] body) throws IOException, InterruptedException;
    }

    /** An HTTP answer: status and body. */
    public record Answer(int status, byte[] body) {
        public Answer {
            body = body == null ? new byte[0] : body;
        }
    }

    /** Temporary credentials and when they expire ({@link Instant#MAX} when STS gave no time). */
    public record Temporary(AwsCredentials credentials, Instant expiration) {
    }

    /** Where the base credentials come from. */
    @FunctionalInterface
    public interface BaseCredentials {
        AwsCredentials get() throws IOException, InterruptedException;
    }

    static final String CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";

    private final String roleArn;
    private final String externalId;
    private final String sessionName;
    private final String region;
    private final URI endpoint;
    private final Transport transport;
    private final Clock clock;
    private final int durationSeconds;

    /**
     * @param roleArn the role to assume
     * @param externalId the external id, or empty for none
     * @param sessionName the {@code RoleSessionName}
     * @param region the region the request is signed for
     * @param endpoint the STS endpoint ({@link #endpoint(String, UnaryOperator)})
     */
    public StsAssumeRole(String roleArn, String externalId, String sessionName, String region, URI endpoint, Transport transport,
                         Clock clock) {
        this(roleArn, externalId, sessionName, region, endpoint, transport, clock, 0);
    }

    /** With {@code DurationSeconds} sent (a profile's role, as the SDK's AssumeRole provider sends it). */
    StsAssumeRole(String roleArn, String externalId, String sessionName, String region, URI endpoint, Transport transport, Clock clock,
                  int durationSeconds) {
        this.roleArn = requireText(roleArn, "roleArn");
        this.externalId = externalId == null ? "" : externalId;
        this.sessionName = requireText(sessionName, "sessionName");
        this.region = requireText(region, "region");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint is null");
        this.transport = Objects.requireNonNull(transport, "transport is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.durationSeconds = durationSeconds;
    }

    /**
     * The STS endpoint the SDKs use: {@code AWS_ENDPOINT_URL_STS} when set, else the region's
     * ({@code https://sts.<region>.amazonaws.com/}).
     */
    public static URI endpoint(String region, UnaryOperator<String> environment) {
        return endpoint(region, false, environment);
    }

    /**
     * The STS endpoint as the SDKs' endpoint rules give it: {@code AWS_ENDPOINT_URL_STS} when set;
     * else, with {@code fips}, {@code https://sts-fips.<region>.<partition's DNS suffix>/} (in
     * GovCloud, {@code us-gov-*}, the regional endpoint, which is FIPS already); else
     * {@code https://sts.<region>.<partition's DNS suffix>/}.
     *
     * @param fips whether the FIPS endpoint is wanted ({@code use_fips_sts_endpoint})
     * @throws IllegalArgumentException with {@code fips} and {@code AWS_ENDPOINT_URL_STS} both set,
     *     which the SDKs refuse ("FIPS and custom endpoint are not supported")
     * @since 1.2
     */
    public static URI endpoint(String region, boolean fips, UnaryOperator<String> environment) {
        String sts = environment.apply("AWS_ENDPOINT_URL_STS");
        if (sts != null && !sts.isEmpty()) {
            if (fips) {
                throw new IllegalArgumentException("Invalid Configuration: FIPS and custom endpoint are not supported "
                        + "(AWS_ENDPOINT_URL_STS is set)");
            }
            return URI.create(sts);
        }
        String suffix = dnsSuffix(region);
        if (fips && !region.startsWith("us-gov-")) {
            return URI.create("https://sts-fips." + region + "." + suffix + "/");
        }
        return URI.create("https://sts." + region + "." + suffix + "/");
    }

    /**
     * The DNS suffix of the AWS partition a region belongs to (the SDKs' {@code partitions.json}):
     * {@code amazonaws.com.cn} for China, the isolated partitions' own, else {@code amazonaws.com}.
     *
     * @since 1.2
     */
    public static String dnsSuffix(String region) {
        if (region.startsWith("cn-")) {
            return "amazonaws.com.cn";
        } else if (region.startsWith("us-isob-")) {
            return "sc2s.sgov.gov";
        } else if (region.startsWith("us-isof-")) {
            return "csp.hci.ic.gov";
        } else if (region.startsWith("us-iso-")) {
            return "c2s.ic.gov";
        } else if (region.startsWith("eu-isoe-")) {
            return "cloud.adc-e.uk";
        } else if (region.startsWith("eusc-")) {
            return "amazonaws.eu";
        }
        return "amazonaws.com";
    }

    /**
     * Assumes the role with {@code base}.
     *
     * @throws IOException naming STS and the operation: the transport's failure, an error answer
     *     (its status, AWS's code and message) or an answer without credentials
     */
    public Temporary assume(AwsCredentials base) throws IOException, InterruptedException {
        List<Map.Entry<String, String>> params = new ArrayList<>(List.of(Map.entry("Action", "AssumeRole")));
        if (durationSeconds > 0) {
            params.add(Map.entry("DurationSeconds", Integer.toString(durationSeconds)));
        }
        if (!externalId.isEmpty()) {
            params.add(Map.entry("ExternalId", externalId));
        }
        params.add(Map.entry("RoleArn", roleArn));
        params.add(Map.entry("RoleSessionName", sessionName));
        params.add(Map.entry("Version", "2011-06-15"));
        return call("AssumeRole", params, base, region, endpoint, transport, clock);
    }

    /**
     * STS {@code AssumeRoleWithWebIdentity}: the form POST the SDKs send, unsigned (the token is
     * the proof), with the role, the session name and the token.
     */
    static Temporary assumeWithWebIdentity(String roleArn, String sessionName, String token, String region, URI endpoint,
                                           Transport transport, Clock clock) throws IOException, InterruptedException {
        List<Map.Entry<String, String>> params = List.of(Map.entry("Action", "AssumeRoleWithWebIdentity"),
                Map.entry("RoleArn", roleArn), Map.entry("RoleSessionName", sessionName), Map.entry("Version", "2011-06-15"),
                Map.entry("WebIdentityToken", token));
        return call("AssumeRoleWithWebIdentity", params, null, region, endpoint, transport, clock);
    }

    /** One STS query API call; signed with {@code signer} unless it is null. */
    private static Temporary call(String action, List<Map.Entry<String, String>> params, AwsCredentials signer, String region,
                                  URI endpoint, Transport transport, Clock clock) throws IOException, InterruptedException {
        StringBuilder form = new StringBuilder();
        for (Map.Entry<String, String> p : params) {
            if (!form.isEmpty()) {
                form.append('&');
            }
            form.append(SigV4Signer.encode(p.getKey())).append('=').append(SigV4Signer.encode(p.getValue()));
        }
        byte[] body = form.toString().getBytes(StandardCharsets.UTF_8);
        List<Map.Entry<String, String>> sent = new ArrayList<>();
        sent.add(Map.entry("Content-Type", CONTENT_TYPE));
        if (signer != null) {
            String path = endpoint.getPath() == null || endpoint.getPath().isEmpty() ? "/" : endpoint.getPath();
            List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(Map.entry("Content-Type", CONTENT_TYPE),
                    Map.entry("Host", host(endpoint))));
            SigV4Signer.Signed signed = new SigV4Signer(region, "sts").sign("POST", path, endpoint.getRawQuery(), headers, body, signer,
                    clock.instant(), false);
            sent.addAll(signed.headers().entrySet());
        }
        String operation = "operation error STS: " + action + ": ";
        Answer answer;
        try {
            answer = transport.post(endpoint, List.copyOf(sent), body);
        } catch (IOException e) {
            throw new IOException(operation + e.getMessage(), e);
        }
        Element root = parse(answer.body(), operation);
        if (answer.status() / 100 != 2) {
            Element error = first(root, "Error");
            String code = text(error, "Code");
            String message = text(error, "Message");
            throw new IOException(operation + answer.status() + (code.isEmpty() ? "" : " " + code)
                    + (message.isEmpty() ? "" : ": " + message));
        }
        Element credentials = first(root, "Credentials");
        String id = text(credentials, "AccessKeyId");
        String secret = text(credentials, "SecretAccessKey");
        if (credentials == null || id.isEmpty() || secret.isEmpty()) {
            throw new IOException(operation + "no Credentials in the answer");
        }
        Instant expiration = Instant.MAX;
        String at = text(credentials, "Expiration");
        if (!at.isEmpty()) {
            try {
                expiration = Instant.parse(at);
            } catch (DateTimeParseException e) {
                throw new IOException(operation + "bad Expiration " + at, e);
            }
        }
        return new Temporary(new AwsCredentials(id, secret, text(credentials, "SessionToken")), expiration);
    }

    /** The Host header as an HTTP client sends it (the port only when it is not the scheme's default). */
    static String host(URI uri) {
        int port = uri.getPort();
        boolean standard = port == -1 || "https".equals(uri.getScheme()) && port == 443 || "http".equals(uri.getScheme()) && port == 80;
        return standard ? uri.getHost() : uri.getHost() + ":" + port;
    }

    private static Element parse(byte[] body, String operation) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            return builder.parse(new ByteArrayInputStream(body)).getDocumentElement();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException(operation + "the answer is not XML: " + e.getMessage(), e);
        }
    }

    /** The first descendant element of that local name, or null. */
    private static Element first(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                if (name.equals(e.getLocalName())) {
                    return e;
                }
                Element deeper = first(e, name);
                if (deeper != null) {
                    return deeper;
                }
            }
        }
        return null;
    }

    /** A child element's text, or empty. */
    private static String text(Element parent, String name) {
        if (parent == null) {
            return "";
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) {
                return e.getTextContent().strip();
            }
        }
        return "";
    }

    private static String requireText(String s, String name) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(name + " is empty");
        }
        return s;
    }
}
