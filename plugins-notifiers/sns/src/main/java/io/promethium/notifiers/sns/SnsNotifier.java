package io.promethium.notifiers.sns;

import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.notify.GroupKeys;
import io.promethium.api.notify.HttpDelivery;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.TemplateFields;
import io.promethium.sigv4.AwsCredentials;
import io.promethium.sigv4.CredentialsChain;
import io.promethium.sigv4.SigV4Signer;
import io.promethium.sigv4.StsAssumeRole;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends Alertmanager's SNS {@code Publish} (the AWS query protocol: a form-encoded POST with
 * {@code Action=Publish&Version=2010-03-31}, parameters sorted as the Go SDK writes them), signed
 * with SigV4 for service {@code sns} (or {@code sigv4.service_name}). The message is cut to 256 KiB, or 1600 bytes for an SMS
 * ({@code phone_number}), and then carries the attribute {@code truncated=true}; a FIFO topic
 * ({@code .fifo}) gets the group key hash as deduplication and group id. As Alertmanager: 5xx
 * and network errors are retried, other answers are not, except 429, which the AWS SDK under
 * Alertmanager retries itself. The region is {@code sigv4.region}, else the environment's or the
 * shared config file's ({@link CredentialsChain#region}), and FIPS endpoints are used when
 * {@code AWS_USE_FIPS_ENDPOINT} or the profile's {@code use_fips_endpoint} says so, both read at
 * each send as Alertmanager's SDK config is; so are the STS endpoint and signing region of
 * {@code role_arn}'s AssumeRole ({@code sts-fips} with {@code use_fips_sts_endpoint} or that FIPS
 * switch). {@code credentials} are resolved at each send (rotation applies); with
 * {@code role_arn}, {@code role} holds the assumed role's credentials until they near expiry or
 * the region or endpoint changes, and bounds the AssumeRole by the send's deadline.
 */
record SnsNotifier(SnsNotifierFactory.Settings settings, NotifierContext context, ConfiguredHttpClient client,
                  CredentialsChain credentials, AssumedRole role) implements Notifier {

    static final int MAX_MESSAGE_BYTES = 256 * 1024;
    static final int MAX_SMS_BYTES = 1600;
    private static final HttpDelivery DELIVERY = HttpDelivery.to("SNS").retrying(429).describing(SnsNotifier::awsError);
    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");

    @Override
    public void send(Notification n, Instant deadline) throws NotifyException {
        HttpDelivery.timeLeft(deadline);
        String region;
        boolean fips;
        try {
            // As Alertmanager's SDK config load at each notification: the block's region, else the environment's, else the profile's.
            region = settings.region().isEmpty() ? credentials.region() : settings.region();
            fips = credentials.useFipsEndpoint();
        } catch (IOException e) {
            throw NotifyException.retryLater("failed to load final config for SNS: " + e.getMessage(), null);
        }
        if (region == null) {
            throw NotifyException.retryLater("region not configured in sns.sigv4.region or in default credentials chain", null);
        }
        AwsCredentials keys;
        try {
            keys = role != null ? role.get(region, stsEndpoint(region, settings.fipsSts() || fips), deadline) : credentials.resolve(region);
        } catch (IOException e) {
            throw NotifyException.retryLater("SNS credentials: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NotifyException.retryLater("SNS credentials: interrupted", e);
        }
        URI url = endpoint(TemplateFields.render(context, "api_url", settings.apiUrl(), n), region, fips);
        byte[] body = form(publish(n)).getBytes(StandardCharsets.UTF_8);
        String contentType = "application/x-www-form-urlencoded; charset=utf-8";
        // The headers Alertmanager's AWS SDK signs; the HTTP client writes Host and Content-Length itself, as signed here.
        SigV4Signer.Signed signed = new SigV4Signer(region, settings.serviceName()).sign("POST", url.getPath(), url.getRawQuery(),
                List.of(new AbstractMap.SimpleEntry<>("Content-Length", Integer.toString(body.length)),
                        new AbstractMap.SimpleEntry<>("Content-Type", contentType), new AbstractMap.SimpleEntry<>("Host", host(url))),
                body, keys, Instant.now(), false);
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(HttpDelivery.timeLeft(deadline))
                .header("Content-Type", contentType).header("User-Agent", "Promethium")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.headers().forEach(request::header);
        checkPublishResponse(DELIVERY.send(client, request.build()).body());
    }

    /**
     * The AssumeRole's endpoint for this send; FIPS with {@code AWS_ENDPOINT_URL_STS} is the
     * SDK's refusal, retried as Alertmanager retries the SDK's errors.
     */
    private URI stsEndpoint(String region, boolean fips) throws NotifyException {
        try {
            return StsAssumeRole.endpoint(region, fips, credentials.environment());
        } catch (IllegalArgumentException e) {
            throw NotifyException.retryLater("SNS: STS: " + e.getMessage(), null);
        }
    }

    /**
     * A 2xx answer as the AWS SDK under Alertmanager 0.34 reads it: an empty body is taken as
     * sent; otherwise it must be XML with a {@code PublishResult} element, else the SDK's
     * deserialization error, which Alertmanager retries. Read with the JDK's DOM, no DTDs and no
     * external entities.
     */
    static void checkPublishResponse(String body) throws NotifyException {
        if (body == null || body.isBlank()) {
            return;
        }
        try {
            javax.xml.parsers.DocumentBuilderFactory factory = javax.xml.parsers.DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(javax.xml.XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setExpandEntityReferences(false);
            javax.xml.parsers.DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(null);
            org.w3c.dom.Document doc = builder.parse(new org.xml.sax.InputSource(new java.io.StringReader(body)));
            if (doc.getElementsByTagNameNS("*", "PublishResult").getLength() == 0) {
                throw NotifyException.retryLater("SNS: no PublishResult in the answer: " + HttpDelivery.cut(body), null);
            }
        } catch (javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException | IOException e) {
            throw NotifyException.retryLater("SNS: could not read the PublishResponse (" + e.getMessage() + "): " + HttpDelivery.cut(body), null);
        }
    }

    /**
     * {@code api_url} rendered, else the region's endpoint as the SDK's SNS endpoint rules give it:
     * {@code https://sns.<region>.<partition's DNS suffix>/}, with FIPS
     * {@code https://sns-fips.<region>.<suffix>/} (in GovCloud the regional host, FIPS already);
     * the path {@code /} when it has none. FIPS with {@code api_url} is refused as the SDK
     * refuses it (retried, as Alertmanager retries the SDK's error).
     */
    static URI endpoint(String apiUrl, String region, boolean fips) throws NotifyException {
        if (fips && !apiUrl.isEmpty()) {
            throw NotifyException.retryLater("Invalid Configuration: FIPS and custom endpoint are not supported "
                    + "(api_url is set and use_fips_endpoint or AWS_USE_FIPS_ENDPOINT is true)", null);
        }
        String suffix = StsAssumeRole.dnsSuffix(region);
        String regional = fips && !region.equals("us-gov-east-1") && !region.equals("us-gov-west-1")
                ? "https://sns-fips." + region + "." + suffix + "/" : "https://sns." + region + "." + suffix + "/";
        String text = apiUrl.isEmpty() ? regional : apiUrl.strip();
        try {
            URI uri = new URI(text);
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw NotifyException.doNotRetry("api_url: unsupported scheme or missing host: " + text, null);
            }
            return uri.getRawPath() == null || uri.getRawPath().isEmpty() ? uri.resolve("/") : uri;
        } catch (URISyntaxException e) {
            throw NotifyException.doNotRetry("api_url: invalid URL: " + e.getMessage(), null);
        }
    }

    /** The Host header as the HTTP client writes it: the port only when it is not the scheme's default. */
    static String host(URI url) {
        int port = url.getPort();
        boolean standard = port == -1 || ("http".equals(url.getScheme()) && port == 80) || ("https".equals(url.getScheme()) && port == 443);
        return standard ? url.getHost() : url.getHost() + ":" + port;
    }

    /** The Publish parameters, sorted by name as Go's {@code url.Values.Encode} writes them. */
    TreeMap<String, String> publish(Notification n) throws NotifyException {
        TreeMap<String, String> p = new TreeMap<>();
        p.put("Action", "Publish");
        p.put("Version", "2010-03-31");
        int limit = MAX_MESSAGE_BYTES;
        Map<String, String> attributes = new TreeMap<>();
        for (Map.Entry<String, String> a : settings.attributes().entrySet()) {
            attributes.put(TemplateFields.render(context, "attributes." + a.getKey() + " (name)", a.getKey(), n),
                    TemplateFields.render(context, "attributes." + a.getKey(), a.getValue(), n));
        }
        if (!settings.topicArn().isEmpty()) {
            String topic = TemplateFields.render(context, "topic_arn", settings.topicArn(), n);
            p.put("TopicArn", topic);
            if (topic.endsWith(".fifo")) {
                String hash = GroupKeys.hash(n.groupKey());
                p.put("MessageDeduplicationId", hash);
                p.put("MessageGroupId", hash);
            }
        }
        if (!settings.phoneNumber().isEmpty()) {
            p.put("PhoneNumber", TemplateFields.render(context, "phone_number", settings.phoneNumber(), n));
            limit = MAX_SMS_BYTES;
        }
        if (!settings.targetArn().isEmpty()) {
            p.put("TargetArn", TemplateFields.render(context, "target_arn", settings.targetArn(), n));
        }
        String message = TemplateFields.render(context, "message", settings.message(), n);
        String cut = truncateBytes(message, limit);
        if (cut.length() < message.length()) {
            attributes.put("truncated", "true");
            context.logger().warning("SNS message truncated to " + limit + " bytes");
        }
        p.put("Message", cut);
        if (!settings.subject().isEmpty()) {
            p.put("Subject", TemplateFields.render(context, "subject", settings.subject(), n));
        }
        int i = 1;
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            String prefix = "MessageAttributes.entry." + i++ + ".";
            p.put(prefix + "Name", a.getKey());
            p.put(prefix + "Value.DataType", "String");
            p.put(prefix + "Value.StringValue", a.getValue());
        }
        return p;
    }

    /**
     * At most {@code max} UTF-8 bytes. Alertmanager cuts the bytes exactly (it may split a
     * character); a Java string cannot hold half a character, so the cut backs off to the
     * character's start: the message may be up to three bytes shorter than Alertmanager's.
     */
    static String truncateBytes(String s, int max) {
        if (s.length() * 3 <= max || s.getBytes(StandardCharsets.UTF_8).length <= max) {
            return s;
        }
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + len > max) {
                break;
            }
            bytes += len;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }

    /** Form encoding as Go's {@code url.QueryEscape}: unreserved characters kept, space as {@code +}, the rest %XX. */
    static String form(Map<String, String> params) {
        StringBuilder sb = new StringBuilder(256);
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(escape(e.getKey())).append('=').append(escape(e.getValue()));
        }
        return sb.toString();
    }

    private static String escape(String s) {
        return SigV4Signer.encode(s).replace("%20", "+");
    }

    /** An AWS query-protocol error body ({@code <ErrorResponse><Error><Code>..</Code><Message>..}) as {@code Code: Message}. */
    static String awsError(String body) {
        Matcher code = CODE.matcher(body);
        Matcher message = MESSAGE.matcher(body);
        if (code.find()) {
            return code.group(1) + (message.find() ? ": " + message.group(1) : "");
        }
        return HttpDelivery.cut(body);
    }

    @Override
    public void close() {
        client.close();
    }
}
