package io.promethium.discovery.zookeeper.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The member documents Nerve and serversets write into ZooKeeper nodes, read as Prometheus reads
 * them (Go's {@code encoding/json}: keys matched without regard to case, unknown keys ignored,
 * {@code null} leaving the zero value, an integer field refusing anything but an integer).
 */
final class Members {

    /** Reads one node's data into a target's labels; the path is the node's. */
    interface Parser {
        Labels parse(byte[] data, String path) throws IOException;
    }

    static final String NERVE = "__meta_nerve_";
    static final String SERVERSET = "__meta_serverset_";

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Members() {
    }

    /** A Nerve member: {@code {"host": ..., "port": ..., "name": ...}}. */
    static Labels nerve(byte[] data, String path) throws IOException {
        JsonNode member = read(data, path, "nerve");
        String host = string(field(member, "host"), "host");
        long port = integer(field(member, "port"), "port");
        return Labels.builder().set(NERVE + "path", path).set("__address__", joinHostPort(host, port))
                .set(NERVE + "endpoint_host", host).set(NERVE + "endpoint_port", Long.toString(port))
                .set(NERVE + "endpoint_name", string(field(member, "name"), "name")).build();
    }

    /** A serverset member: {@code serviceEndpoint}, {@code additionalEndpoints}, {@code status}, {@code shard}. */
    static Labels serverset(byte[] data, String path) throws IOException {
        JsonNode member = read(data, path, "serverset");
        JsonNode service = field(member, "serviceEndpoint");
        objectOrNull(service, "serviceEndpoint");
        String host = string(field(service, "host"), "Host");
        long port = integer(field(service, "port"), "Port");
        Labels.Builder labels = Labels.builder().set(SERVERSET + "path", path).set("__address__", joinHostPort(host, port))
                .set(SERVERSET + "endpoint_host", host).set(SERVERSET + "endpoint_port", Long.toString(port));
        JsonNode additional = field(member, "additionalEndpoints");
        objectOrNull(additional, "additionalEndpoints");
        if (additional != null && additional.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> endpoints = additional.fields();
            while (endpoints.hasNext()) {
                Map.Entry<String, JsonNode> endpoint = endpoints.next();
                objectOrNull(endpoint.getValue(), "additionalEndpoints");
                String name = sanitize(endpoint.getKey());
                labels.set(SERVERSET + "endpoint_host_" + name, string(field(endpoint.getValue(), "host"), "Host"));
                labels.set(SERVERSET + "endpoint_port_" + name, Long.toString(integer(field(endpoint.getValue(), "port"), "Port")));
            }
        }
        labels.set(SERVERSET + "status", string(field(member, "status"), "status"));
        labels.set(SERVERSET + "shard", Long.toString(integer(field(member, "shard"), "shard")));
        return labels.build();
    }

    private static JsonNode read(byte[] data, String path, String kind) throws IOException {
        JsonNode member;
        try {
            member = JSON.readTree(data);
        } catch (IOException e) {
            throw new IOException("error unmarshaling " + kind + " member \"" + path + "\": " + e.getMessage(), e);
        }
        if (member == null || member.isMissingNode()) {
            throw new IOException("error unmarshaling " + kind + " member \"" + path + "\": unexpected end of JSON input");
        }
        if (!member.isObject() && !member.isNull()) {
            throw new IOException("error unmarshaling " + kind + " member \"" + path + "\": json: cannot unmarshal "
                    + member.getNodeType().toString().toLowerCase(Locale.ROOT) + " into Go value");
        }
        return member;
    }

    /** The field of an object matched as Go does (exact name first, else ignoring case); null when absent. */
    private static JsonNode field(JsonNode object, String name) {
        if (object == null || !object.isObject()) {
            return null;
        }
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        JsonNode found = null;
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equalsIgnoreCase(name)) {
                found = field.getValue();
            }
        }
        return found;
    }

    private static void objectOrNull(JsonNode node, String name) throws IOException {
        if (node != null && !node.isNull() && !node.isObject()) {
            throw new IOException("json: cannot unmarshal " + node.getNodeType().toString().toLowerCase(Locale.ROOT)
                    + " into Go struct field " + name);
        }
    }

    private static String string(JsonNode node, String name) throws IOException {
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isTextual()) {
            throw new IOException("json: cannot unmarshal " + node.getNodeType().toString().toLowerCase(Locale.ROOT)
                    + " into Go struct field ." + name + " of type string");
        }
        return node.asText();
    }

    private static long integer(JsonNode node, String name) throws IOException {
        if (node == null || node.isNull()) {
            return 0;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new IOException("json: cannot unmarshal " + (node.isNumber() ? "number " + node.asText()
                    : node.getNodeType().toString().toLowerCase(Locale.ROOT)) + " into Go struct field ." + name + " of type int");
        }
        return node.asLong();
    }

    /** Go's {@code net.JoinHostPort}. */
    static String joinHostPort(String host, long port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
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

}
