package io.promethium.discovery.uyuni.internal;

import io.promethium.api.http.ConfiguredHttpClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A minimal XML-RPC client (the calls Uyuni discovery makes: strings, ints, booleans, arrays and
 * structs), written here because the only maintained Java XML-RPC library (Apache's, last
 * released 2010) brings its own HTTP transport, which would bypass {@code http_client_config}.
 * Values come back as {@link String}, {@link Long}, {@link Boolean}, {@link Double},
 * {@link List} and {@link Map}; a fault is an {@link IOException} with its code and string.
 */
final class XmlRpc {

    private static final XMLInputFactory XML = xmlFactory();

    private final String url;
    private final ConfiguredHttpClient http;
    private final Duration timeout;
    private final long bodyLimit;

    XmlRpc(String url, ConfiguredHttpClient http, Duration timeout, long bodyLimit) {
        this.url = url;
        this.http = http;
        this.timeout = timeout;
        this.bodyLimit = bodyLimit;
    }

    private static XMLInputFactory xmlFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }

    /** Releases the HTTP client's connections. */
    void close() {
        http.close();
    }

    String url() {
        return url;
    }

    Object call(String method, Object... params) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder("<?xml version=\"1.0\"?><methodCall><methodName>").append(escape(method))
                .append("</methodName><params>");
        for (Object param : params) {
            body.append("<param>");
            value(body, param);
            body.append("</param>");
        }
        body.append("</params></methodCall>");
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Content-Type", "text/xml")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new IOException("Post \"" + url + "\": no answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IOException("Post \"" + url + "\": " + e.getMessage(), e);
        }
        byte[] bytes;
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("Post \"" + url + "\": HTTP status " + response.statusCode());
            }
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, bodyLimit + 1));
            if (bytes.length > bodyLimit) {
                throw new IOException("the answer is larger than " + bodyLimit + " bytes");
            }
        }
        return parseResponse(bytes);
    }

    private static void value(StringBuilder out, Object value) {
        out.append("<value>");
        if (value instanceof String s) {
            out.append("<string>").append(escape(s)).append("</string>");
        } else if (value instanceof Integer || value instanceof Long) {
            out.append("<int>").append(value).append("</int>");
        } else if (value instanceof Boolean b) {
            out.append("<boolean>").append(b ? 1 : 0).append("</boolean>");
        } else if (value instanceof List<?> list) {
            out.append("<array><data>");
            for (Object item : list) {
                value(out, item);
            }
            out.append("</data></array>");
        } else {
            throw new IllegalArgumentException("no XML-RPC type for " + value);
        }
        out.append("</value>");
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static Object parseResponse(byte[] bytes) throws IOException {
        try {
            XMLStreamReader xml = XML.createXMLStreamReader(new ByteArrayInputStream(bytes));
            try {
                if (!next(xml) || !xml.getLocalName().equals("methodResponse")) {
                    throw new IOException("not an XML-RPC methodResponse");
                }
                if (!next(xml)) {
                    throw new IOException("an empty XML-RPC methodResponse");
                }
                if (xml.getLocalName().equals("fault")) {
                    expect(xml, "value");
                    Object fault = value(xml);
                    if (fault instanceof Map<?, ?> map) {
                        throw new IOException("Fault(" + map.get("faultCode") + "): " + map.get("faultString"));
                    }
                    throw new IOException("Fault: " + fault);
                }
                if (!xml.getLocalName().equals("params")) {
                    throw new IOException("unexpected <" + xml.getLocalName() + "> in an XML-RPC methodResponse");
                }
                expect(xml, "param");
                expect(xml, "value");
                return value(xml);
            } finally {
                xml.close();
            }
        } catch (XMLStreamException | NumberFormatException e) {
            throw new IOException("the XML-RPC answer cannot be read: " + e.getMessage(), e);
        }
    }

    private static void expect(XMLStreamReader xml, String name) throws XMLStreamException, IOException {
        if (!next(xml) || !xml.getLocalName().equals(name)) {
            throw new IOException("expected <" + name + "> in an XML-RPC answer");
        }
    }

    /** To the next start element; false at an end element or the end of the document. */
    private static boolean next(XMLStreamReader xml) throws XMLStreamException {
        while (xml.hasNext()) {
            int event = xml.next();
            if (event == XMLStreamConstants.START_ELEMENT) {
                return true;
            }
            if (event == XMLStreamConstants.END_ELEMENT) {
                return false;
            }
        }
        return false;
    }

    /** Reads a {@code <value>} (positioned on its start) to its end. */
    private static Object value(XMLStreamReader xml) throws XMLStreamException, IOException {
        StringBuilder text = new StringBuilder();
        Object result = null;
        while (true) {
            int event = xml.next();
            if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA || event == XMLStreamConstants.SPACE) {
                text.append(xml.getText());
            } else if (event == XMLStreamConstants.START_ELEMENT) {
                String type = xml.getLocalName();
                switch (type) {
                    case "string" -> result = xml.getElementText();
                    case "int", "i4", "i8" -> result = Long.parseLong(xml.getElementText().strip());
                    case "boolean" -> result = xml.getElementText().strip().equals("1");
                    case "double" -> result = Double.parseDouble(xml.getElementText().strip());
                    case "dateTime.iso8601", "base64" -> result = xml.getElementText();
                    case "nil" -> {
                        skip(xml);
                        result = "";
                    }
                    case "array" -> {
                        List<Object> list = new ArrayList<>();
                        expect(xml, "data");
                        while (next(xml)) {
                            list.add(value(xml));
                        }
                        next(xml); // </array>
                        result = list;
                    }
                    case "struct" -> {
                        Map<String, Object> map = new LinkedHashMap<>();
                        while (next(xml)) {
                            String name = null;
                            Object member = null;
                            while (next(xml)) {
                                if (xml.getLocalName().equals("name")) {
                                    name = xml.getElementText();
                                } else if (xml.getLocalName().equals("value")) {
                                    member = value(xml);
                                } else {
                                    skip(xml);
                                }
                            }
                            if (name != null) {
                                map.put(name, member);
                            }
                        }
                        result = map;
                    }
                    default -> throw new IOException("unknown XML-RPC type <" + type + ">");
                }
            } else if (event == XMLStreamConstants.END_ELEMENT) {
                // </value>: a value without a type element is a string.
                return result != null ? result : text.toString();
            }
        }
    }

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
}
