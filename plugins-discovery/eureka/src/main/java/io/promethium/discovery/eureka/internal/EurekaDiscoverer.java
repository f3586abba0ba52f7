package io.promethium.discovery.eureka.internal;

import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Follows one {@code eureka_sd_configs} block as Prometheus's {@code discovery/eureka} does:
 * every {@code refresh_interval} a GET of {@code <server>/apps} (Eureka's XML registry), every
 * instance of every application a target in one group (source {@code eureka}) with
 * {@code __meta_eureka_*} labels and {@code instance} set to the instance id. The request times
 * out after one interval (Prometheus sets none: a Eureka that never answers would stall its
 * refresh). A failed refresh keeps the last targets, is counted in
 * {@code prometheus_sd_refresh_failures_total{mechanism="eureka"}} and logged once per change.
 *
 * <p>A metadata value (the instance's and the data centre's) is its element's raw inner XML, as
 * Prometheus's {@code xml:",innerxml"} takes it: {@code a&amp;b} stays {@code a&amp;b}, nested
 * elements keep their tags. The document is read as UTF-8, as Go's decoder reads it.
 */
final class EurekaDiscoverer implements Discoverer {

    static final String PREFIX = "__meta_eureka_";
    static final String INSTANCE_PREFIX = PREFIX + "app_instance_";
    static final String APP_NAME = PREFIX + "app_name";
    static final String USER_AGENT = "Promethium/0.1";

    private static final XMLInputFactory XML = xmlFactory();

    private final EurekaSdConfig config;
    private final ConfiguredHttpClient http;
    private final long bodyLimit;
    private final EurekaSdMetrics metrics;
    private final String owner;
    private final RefreshingDiscoverer refresher;

    EurekaDiscoverer(EurekaSdConfig config, ConfiguredHttpClient http, long bodyLimit, EurekaSdMetrics metrics, String owner,
                     Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.http = Objects.requireNonNull(http, "http is null");
        this.bodyLimit = bodyLimit;
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        this.refresher = new RefreshingDiscoverer("Eureka SD", config.refreshInterval(), threads,
                new DiscoveryFailures("Eureka SD: ", log, metrics.failuresOf(owner)), this::refresh);
        // On /metrics from the start (count 0, quantiles NaN), as Prometheus's Instantiate makes them.
        metrics.refreshDuration.instantiate(EurekaSdMetrics.MECHANISM, owner);
    }

    private static XMLInputFactory xmlFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        // A registry answer has no DTD; refusing one keeps entity expansion and external fetches out.
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    List<TargetGroup> refresh() throws IOException, InterruptedException {
        long start = System.nanoTime();
        try {
            return List.of(new TargetGroup("eureka", parse(fetch()), Labels.EMPTY));
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, EurekaSdMetrics.MECHANISM, owner);
        }
    }

    private byte[] fetch() throws IOException, InterruptedException {
        String url = config.appsUrl();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(config.refreshInterval()).header("User-Agent", USER_AGENT)
                    .GET().build();
        } catch (IllegalArgumentException e) {
            throw new IOException("parse \"" + url + "\": " + e.getMessage(), e);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException("Get \"" + url + "\": no answer within " + config.refreshInterval().toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IOException("Get \"" + url + "\": " + e.getMessage(), e);
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() / 100 != 2) {
                throw new IOException("non 2xx status '" + response.statusCode() + "' response during eureka service discovery");
            }
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1));
            if (body.length > bodyLimit) {
                throw new IOException("\"" + url + "\": the answer is larger than " + bodyLimit + " bytes");
            }
            return body;
        }
    }

    /** The targets of an {@code <applications>} document, in document order. */
    List<Labels> parse(byte[] body) throws IOException {
        List<Labels> targets = new ArrayList<>();
        String document = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        if (document.isBlank()) {
            // Go's decoder reports an empty document as EOF; StAX as a premature end at 1:1.
            throw new IOException("\"" + config.appsUrl() + "\": EOF");
        }
        try {
            // A reader of the decoded text: the parser's locations (line, column) then point into it, which the metadata's
            // raw XML needs. The parser's columns go wrong after a lone CR: it reads a copy where a lone CR is LF (the
            // same line break to XML, and the same length, so offsets into the copy are offsets into the document).
            Text text = new Text(document);
            XMLStreamReader xml = XML.createXMLStreamReader(new java.io.StringReader(text.parsed()));
            try {
                if (!nextElement(xml)) {
                    throw new IOException("\"" + config.appsUrl() + "\": EOF");
                }
                // Children of the root, whatever its name (as Go's decoder does).
                while (nextChild(xml)) {
                    if (xml.getLocalName().equals("application")) {
                        application(xml, text, targets);
                    } else {
                        skip(xml);
                    }
                }
            } finally {
                xml.close();
            }
        } catch (XMLStreamException | IllegalArgumentException e) {
            throw new IOException("\"" + config.appsUrl() + "\": " + e.getMessage(), e);
        }
        return targets;
    }

    private void application(XMLStreamReader xml, Text document, List<Labels> targets) throws XMLStreamException {
        String name = "";
        List<Map<String, String>> instances = new ArrayList<>();
        while (nextChild(xml)) {
            switch (xml.getLocalName()) {
                case "name" -> name = text(xml);
                case "instance" -> instances.add(instance(xml, document));
                default -> skip(xml);
            }
        }
        for (Map<String, String> instance : instances) {
            instance.put(APP_NAME, name);
            targets.add(Labels.fromMap(instance));
        }
    }

    private Map<String, String> instance(XMLStreamReader xml, Text document) throws XMLStreamException {
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, String> dataCenter = new LinkedHashMap<>();
        String hostName = "";
        String instanceId = "";
        String countryId = "0";
        String port = null;
        String portEnabled = null;
        String securePort = null;
        String securePortEnabled = null;
        String dataCenterName = null;
        while (nextChild(xml)) {
            String element = xml.getLocalName();
            switch (element) {
                case "hostName" -> hostName = text(xml);
                case "homePageUrl" -> fields.put(INSTANCE_PREFIX + "homepage_url", text(xml));
                case "statusPageUrl" -> fields.put(INSTANCE_PREFIX + "statuspage_url", text(xml));
                case "healthCheckUrl" -> fields.put(INSTANCE_PREFIX + "healthcheck_url", text(xml));
                case "ipAddr" -> fields.put(INSTANCE_PREFIX + "ip_addr", text(xml));
                case "vipAddress" -> fields.put(INSTANCE_PREFIX + "vip_address", text(xml));
                case "secureVipAddress" -> fields.put(INSTANCE_PREFIX + "secure_vip_address", text(xml));
                case "status" -> fields.put(INSTANCE_PREFIX + "status", text(xml));
                case "instanceId" -> instanceId = text(xml);
                case "countryId" -> countryId = Long.toString(integer(text(xml)));
                case "isCoordinatingDiscoveryServer" -> bool(text(xml));
                case "port", "securePort" -> {
                    String enabled = Boolean.toString(bool(attribute(xml, "enabled")));
                    String value = Long.toString(integer(text(xml)));
                    if (element.equals("port")) {
                        port = value;
                        portEnabled = enabled;
                    } else {
                        securePort = value;
                        securePortEnabled = enabled;
                    }
                }
                case "dataCenterInfo" -> {
                    dataCenterName = dataCenterName == null ? "" : dataCenterName;
                    while (nextChild(xml)) {
                        switch (xml.getLocalName()) {
                            case "name" -> dataCenterName = text(xml);
                            case "metadata" -> items(xml, document, dataCenter);
                            default -> skip(xml);
                        }
                    }
                }
                case "metadata" -> items(xml, document, metadata);
                default -> skip(xml);
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        String host = hostName.indexOf(':') >= 0 ? "[" + hostName + "]" : hostName;
        labels.put("__address__", host + ":" + (port == null ? "80" : port));
        labels.put("instance", instanceId);
        labels.put(INSTANCE_PREFIX + "hostname", hostName);
        for (String field : List.of("homepage_url", "statuspage_url", "healthcheck_url", "ip_addr", "vip_address",
                "secure_vip_address", "status")) {
            labels.put(INSTANCE_PREFIX + field, fields.getOrDefault(INSTANCE_PREFIX + field, ""));
        }
        labels.put(INSTANCE_PREFIX + "country_id", countryId);
        labels.put(INSTANCE_PREFIX + "id", instanceId);
        if (port != null) {
            labels.put(INSTANCE_PREFIX + "port", port);
            labels.put(INSTANCE_PREFIX + "port_enabled", portEnabled);
        }
        if (securePort != null) {
            labels.put(INSTANCE_PREFIX + "secure_port", securePort);
            labels.put(INSTANCE_PREFIX + "secure_port_enabled", securePortEnabled);
        }
        if (dataCenterName != null) {
            labels.put(INSTANCE_PREFIX + "datacenterinfo_name", dataCenterName);
            dataCenter.forEach((key, value) -> labels.put(INSTANCE_PREFIX + "datacenterinfo_metadata_" + sanitize(key), value));
        }
        metadata.forEach((key, value) -> labels.put(INSTANCE_PREFIX + "metadata_" + sanitize(key), value));
        return labels;
    }

    /** Every child element of a {@code <metadata>}: its name and raw inner XML. */
    private static void items(XMLStreamReader xml, Text document, Map<String, String> into) throws XMLStreamException {
        while (nextChild(xml)) {
            String key = xml.getLocalName();
            into.put(key, innerXml(xml, document));
        }
    }

    /**
     * The raw text between the current start element's tag and its end tag, as Go's {@code innerxml}: the parser's
     * location is just past a start tag's {@code >} at its start, just past the end tag's {@code >} at its end (both the
     * same for {@code <empty/>}). Ends on its end.
     */
    private static String innerXml(XMLStreamReader xml, Text document) throws XMLStreamException {
        int from = document.offset(xml.getLocation());
        skip(xml);
        int to = document.offset(xml.getLocation());
        if (from < 0 || to < from) {
            throw new XMLStreamException("no location of the metadata element " + xml.getLocalName(), xml.getLocation());
        }
        if (to == from) {
            return "";
        }
        int endTag = document.text().lastIndexOf("</", to - 1);
        return document.text().substring(from, Math.max(from, endTag));
    }

    /**
     * The document's text and where its lines start, to turn the parser's line and column (UTF-16 units, reliable) into
     * an offset: the JDK parser's own character offset drifts after line breaks.
     */
    private record Text(String text, String parsed, int[] lineStarts) {

        Text(String text) {
            this(text, withoutLoneCr(text));
        }

        private Text(String text, String parsed) {
            this(text, parsed, lineStarts(parsed));
        }

        /** The text with each CR not followed by LF replaced by LF. */
        private static String withoutLoneCr(String text) {
            if (text.indexOf('\r') < 0) {
                return text;
            }
            char[] chars = text.toCharArray();
            for (int i = 0; i < chars.length; i++) {
                if (chars[i] == '\r' && (i + 1 == chars.length || chars[i + 1] != '\n')) {
                    chars[i] = '\n';
                }
            }
            return new String(chars);
        }

        /** Lines end at {@code \n} (and so at {@code \r\n}). */
        private static int[] lineStarts(String text) {
            int[] starts = new int[16];
            int lines = 1;
            for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
                if (lines == starts.length) {
                    starts = java.util.Arrays.copyOf(starts, lines * 2);
                }
                starts[lines++] = i + 1;
            }
            return java.util.Arrays.copyOf(starts, lines);
        }

        /** The offset of a location (1-based line and column), or -1 when it is outside the text. */
        int offset(javax.xml.stream.Location location) {
            int line = location.getLineNumber();
            int column = location.getColumnNumber();
            if (line < 1 || line > lineStarts.length || column < 1) {
                return -1;
            }
            int offset = lineStarts[line - 1] + column - 1;
            return offset <= text.length() ? offset : -1;
        }
    }

    /** Go's {@code strconv.ParseInt} of trimmed text, empty being 0. */
    private static long integer(String text) {
        String s = text.strip();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("strconv.ParseInt: parsing \"" + s + "\": invalid syntax");
        }
    }

    /** Go's {@code strconv.ParseBool} of trimmed text, empty being false. */
    private static boolean bool(String text) {
        String s = text.strip();
        return switch (s) {
            case "", "0", "f", "F", "false", "FALSE", "False" -> false;
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            default -> throw new IllegalArgumentException("strconv.ParseBool: parsing \"" + s + "\": invalid syntax");
        };
    }

    private static String attribute(XMLStreamReader xml, String name) {
        for (int i = 0; i < xml.getAttributeCount(); i++) {
            if (xml.getAttributeLocalName(i).equals(name)) {
                return xml.getAttributeValue(i);
            }
        }
        return "";
    }

    /** Advances to the first start element; false at the end of the document. */
    private static boolean nextElement(XMLStreamReader xml) throws XMLStreamException {
        while (xml.hasNext()) {
            if (xml.next() == XMLStreamConstants.START_ELEMENT) {
                return true;
            }
        }
        return false;
    }

    /** From inside an element: to its next child's start (true) or to its own end (false). */
    private static boolean nextChild(XMLStreamReader xml) throws XMLStreamException {
        while (true) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                return true;
            }
            if (event == XMLStreamConstants.END_ELEMENT) {
                return false;
            }
        }
    }

    /** The character data directly inside the current element (nested elements skipped, as Go's decoder does); ends on its end. */
    private static String text(XMLStreamReader xml) throws XMLStreamException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int event = xml.next();
            switch (event) {
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> sb.append(xml.getText());
                case XMLStreamConstants.START_ELEMENT -> skip(xml);
                case XMLStreamConstants.END_ELEMENT -> {
                    return sb.toString();
                }
                default -> {
                }
            }
        }
    }

    /** Skips the current element's content; ends on its end. */
    private static void skip(XMLStreamReader xml) throws XMLStreamException {
        int depth = 1;
        while (depth > 0) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                depth++;
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
            }
        }
    }

    /** Prometheus's {@code SanitizeLabelName}: every character outside {@code [a-zA-Z0-9_]} becomes {@code _}. */
    static String sanitize(String key) {
        StringBuilder sb = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            sb.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        refresher.close();
        http.close();
    }
}
