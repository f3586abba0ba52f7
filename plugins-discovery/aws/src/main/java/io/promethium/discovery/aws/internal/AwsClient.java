package io.promethium.discovery.aws.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.discovery.JsonHttpFetch;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.sigv4.AwsCredentials;
import io.promethium.sigv4.SigV4Signer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * AWS's Query protocol (EC2, STS: a form-encoded POST, an XML answer read with the JDK's DOM, no
 * DTDs, no external entities) and JSON protocol (Lightsail) over the api's HTTP client, signed
 * with SigV4 (the library tier's {@link SigV4Signer}). A request times out after the refresh interval; an answer must be no
 * larger than the limit. An error answer becomes an {@link AwsException} with AWS's code. A 429
 * with {@code Retry-After} holds every request back until then (AWS itself throttles with 503
 * {@code RequestLimitExceeded}, which fails the refresh like any error). Also plain requests for
 * the instance metadata service.
 */
final class AwsClient {

    static final String USER_AGENT = "Promethium/0.1";
    static final ObjectMapper JSON = new ObjectMapper();

    /** An AWS error answer: its HTTP status and AWS's error code. */
    static final class AwsException extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        AwsException(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    private final ConfiguredHttpClient http;
    private final Duration timeout;
    private final long bodyLimit;
    private final Clock clock;
    private volatile Instant notBefore = Instant.MIN;

    AwsClient(ConfiguredHttpClient http, Duration timeout, long bodyLimit, Clock clock) {
        this.http = Objects.requireNonNull(http, "http is null");
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
        this.bodyLimit = bodyLimit;
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** A signed Query-protocol call (EC2, STS): {@code params} in order (Action and Version first), the answer's root element. */
    Element query(URI endpoint, String region, String service, List<Map.Entry<String, String>> params, AwsCredentials credentials)
            throws IOException, InterruptedException {
        StringBuilder form = new StringBuilder();
        for (Map.Entry<String, String> param : params) {
            form.append(form.isEmpty() ? "" : "&").append(SigV4Signer.encode(param.getKey())).append('=')
                    .append(SigV4Signer.encode(param.getValue()));
        }
        HttpResponse<byte[]> response = signed(endpoint, region, service, "application/x-www-form-urlencoded; charset=utf-8", null,
                form.toString().getBytes(StandardCharsets.UTF_8), credentials);
        Element root = parse(response.body(), endpoint);
        if (response.statusCode() / 100 != 2) {
            // <Response><Errors><Error><Code/><Message/></Error></Errors> (EC2), <ErrorResponse><Error>...</Error> (STS).
            Element error = first(root, "Error");
            String code = error == null ? "" : text(error, "Code");
            String message = error == null ? "" : text(error, "Message");
            throw new AwsException(response.statusCode(), code, "POST \"" + endpoint + "\": " + response.statusCode() + " "
                    + (code.isEmpty() ? "" : code + ": ") + message);
        }
        return root;
    }

    /** A signed JSON-protocol call (Lightsail): {@code X-Amz-Target} names the operation, the answer's JSON. */
    JsonNode json(URI endpoint, String region, String service, String target, byte[] body, AwsCredentials credentials)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> response = signed(endpoint, region, service, "application/x-amz-json-1.1", target, body, credentials);
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("POST \"" + endpoint + "\": the answer is not JSON: " + e.getMessage(), e);
        }
        if (answer == null || answer.isMissingNode()) {
            throw new IOException("POST \"" + endpoint + "\": the answer is not JSON: it is empty");
        }
        if (response.statusCode() / 100 != 2) {
            // {"__type": "...#AccessDeniedException", "message": "..."}, the code also in X-Amzn-ErrorType.
            String type = response.headers().firstValue("X-Amzn-ErrorType").orElse(answer.path("__type").asText(""));
            String code = type.substring(type.lastIndexOf('#') + 1).split(":")[0];
            String message = answer.path("message").asText(answer.path("Message").asText(""));
            throw new AwsException(response.statusCode(), code, "POST \"" + endpoint + "\": " + response.statusCode() + " "
                    + (code.isEmpty() ? "" : code + ": ") + message);
        }
        return answer;
    }

    /**
     * A signed REST-JSON call (MSK): a {@code GET} of {@code rawPath} (its parameters already
     * percent-encoded, as the SDKs encode an ARN: {@code :} and {@code /} too) under the endpoint
     * with {@code query} (names and values encoded here), the answer's JSON. The path is signed as
     * sent, so the signer's own encoding makes it AWS's doubly encoded canonical path.
     */
    JsonNode restJson(URI endpoint, String region, String service, String rawPath, List<Map.Entry<String, String>> query,
                      AwsCredentials credentials) throws IOException, InterruptedException {
        String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        String path = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + rawPath;
        StringBuilder rawQuery = new StringBuilder();
        for (Map.Entry<String, String> param : query) {
            rawQuery.append(rawQuery.isEmpty() ? "" : "&").append(SigV4Signer.encode(param.getKey())).append('=')
                    .append(SigV4Signer.encode(param.getValue()));
        }
        URI uri = URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + path
                + (rawQuery.isEmpty() ? "" : "?" + rawQuery));
        List<Map.Entry<String, String>> headers = List.of(Map.entry("Host", host(endpoint)));
        SigV4Signer.Signed signed = new SigV4Signer(region, service).sign("GET", path, rawQuery.isEmpty() ? null : rawQuery.toString(),
                headers, new byte[0], credentials, clock.instant(), false);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", USER_AGENT)
                .header("Accept", "application/json").GET();
        signed.headers().forEach(request::header);
        HttpResponse<byte[]> response = send(request.build(), "GET", uri, false);
        JsonNode answer;
        try {
            answer = response.body().length == 0 ? null : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IOException("GET \"" + uri + "\": the answer is not JSON: " + e.getMessage(), e);
        }
        if (response.statusCode() / 100 != 2) {
            // {"message": "..."}, the error's name in X-Amzn-ErrorType (or __type / code in the body).
            JsonNode body = answer == null ? AwsClient.JSON.createObjectNode() : answer;
            String type = response.headers().firstValue("X-Amzn-ErrorType").orElse(body.path("__type").asText(body.path("code").asText("")));
            String code = type.substring(type.lastIndexOf('#') + 1).split(":")[0];
            String message = body.path("message").asText(body.path("Message").asText(""));
            throw new AwsException(response.statusCode(), code, "GET \"" + uri + "\": " + response.statusCode() + " "
                    + (code.isEmpty() ? "" : code + ": ") + message);
        }
        if (answer == null || answer.isMissingNode()) {
            throw new IOException("GET \"" + uri + "\": the answer is not JSON: it is empty");
        }
        return answer;
    }

    private HttpResponse<byte[]> signed(URI endpoint, String region, String service, String contentType, String target, byte[] body,
                                        AwsCredentials credentials) throws IOException, InterruptedException {
        String path = endpoint.getPath() == null || endpoint.getPath().isEmpty() ? "/" : endpoint.getPath();
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("Host", host(endpoint)));
        headers.add(Map.entry("Content-Type", contentType));
        if (target != null) {
            headers.add(Map.entry("X-Amz-Target", target));
        }
        SigV4Signer.Signed signed = new SigV4Signer(region, service).sign("POST", path, null, headers, body, credentials, clock.instant(),
                false);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout).header("User-Agent", USER_AGENT)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (target != null) {
            request.header("X-Amz-Target", target);
        }
        signed.headers().forEach(request::header);
        return send(request.build(), "POST", endpoint, false);
    }

    /** The job's transport without its credentials (proxy, TLS): what the credentials chain's own requests go through. */
    java.net.http.HttpClient transport() {
        return http.transport();
    }

    /** The library tier's STS transport: a signed POST through this job's client, the answer as it came (429 excepted). */
    io.promethium.sigv4.StsAssumeRole.Answer stsPost(URI uri, List<Map.Entry<String, String>> headers, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(h -> request.header(h.getKey(), h.getValue()));
        HttpResponse<byte[]> response = send(request.build(), "POST", uri, false);
        return new io.promethium.sigv4.StsAssumeRole.Answer(response.statusCode(), response.body());
    }

    /** A plain request (instance metadata), its body as text; a status other than 200 is an error. */
    String plain(HttpRequest.Builder request, String method, URI uri) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = send(request.timeout(timeout).header("User-Agent", USER_AGENT).build(), method, uri, true);
        if (response.statusCode() != 200) {
            throw new AwsException(response.statusCode(), "", method + " \"" + uri + "\": " + response.statusCode());
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private HttpResponse<byte[]> send(HttpRequest request, String method, URI uri, boolean bare) throws IOException, InterruptedException {
        Instant until = notBefore;
        if (clock.instant().isBefore(until)) {
            throw new IOException(method + " \"" + uri + "\": throttled by the API (429): no request before " + until);
        }
        HttpResponse<InputStream> response;
        try {
            // The metadata service is asked without the job's credentials; everything else through the configured client.
            response = bare ? http.transport().send(request, HttpResponse.BodyHandlers.ofInputStream())
                    : http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException(method + " \"" + uri + "\": no answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IOException(method + " \"" + uri + "\": " + e.getMessage(), e);
        }
        byte[] bytes;
        try (InputStream in = response.body()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1));
        }
        if (bytes.length > bodyLimit) {
            throw new IOException(method + " \"" + uri + "\": the answer is larger than " + bodyLimit + " bytes");
        }
        if (response.statusCode() == 429) {
            Duration wait = JsonHttpFetch.retryAfter(response.headers().firstValue("Retry-After").orElse(null), clock.instant());
            if (wait != null) {
                notBefore = clock.instant().plus(wait);
            }
            throw new IOException(method + " \"" + uri + "\": 429 Too Many Requests" + (wait == null ? "" : "; retry after "
                    + wait.toMillis() + " ms"));
        }
        return new HttpResponse<>() {
            @Override
            public int statusCode() {
                return response.statusCode();
            }

            @Override
            public HttpRequest request() {
                return response.request();
            }

            @Override
            public java.util.Optional<HttpResponse<byte[]>> previousResponse() {
                return java.util.Optional.empty();
            }

            @Override
            public java.net.http.HttpHeaders headers() {
                return response.headers();
            }

            @Override
            public byte[] body() {
                return bytes;
            }

            @Override
            public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
                return response.sslSession();
            }

            @Override
            public URI uri() {
                return response.uri();
            }

            @Override
            public java.net.http.HttpClient.Version version() {
                return response.version();
            }
        };
    }

    /** The Host header as the HTTP client sends it (the port only when not the scheme's default). */
    static String host(URI uri) {
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("https".equals(uri.getScheme()) && port == 443) || ("http".equals(uri.getScheme()) && port == 80);
        return uri.getHost() + (defaultPort ? "" : ":" + port);
    }

    private static Element parse(byte[] body, URI uri) throws IOException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            Document document = builder.parse(new ByteArrayInputStream(body));
            return document.getDocumentElement();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("POST \"" + uri + "\": the answer is not XML: " + e.getMessage(), e);
        }
    }

    // DOM helpers: elements by local name, Go's zero values for absent ones.

    /** The first descendant element of that local name, or null. */
    static Element first(Element parent, String name) {
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

    /** The direct child element of that local name, or null. */
    static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    /** The {@code <item>} children of a list element (none when absent). */
    static List<Element> items(Element list) {
        List<Element> items = new ArrayList<>();
        if (list != null) {
            for (Node n = list.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && "item".equals(e.getLocalName())) {
                    items.add(e);
                }
            }
        }
        return items;
    }

    /** A child element's text, or null when there is no such child. */
    static String optional(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().strip();
    }

    static String text(Element parent, String name) {
        String value = optional(parent, name);
        return value == null ? "" : value;
    }
}
