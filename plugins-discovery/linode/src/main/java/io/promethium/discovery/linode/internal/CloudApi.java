package io.promethium.discovery.linode.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The plugin's JSON reading: the mapper the api's {@link io.promethium.api.discovery.JsonHttpFetch}
 * parses answers with, and accessors with Go's zero values for absent or null fields.
 */
final class CloudApi {

    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private CloudApi() {
    }

    static String text(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        return value == null || value.isNull() ? "" : value.isValueNode() ? value.asText() : value.toString();
    }

    static JsonNode object(JsonNode node, String name) {
        JsonNode value = node == null ? null : node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    static Iterable<JsonNode> list(JsonNode node, String name) throws IOException {
        JsonNode value = node == null ? null : node.get(name);
        if (value == null || value.isNull()) {
            return java.util.List.of();
        }
        if (!value.isArray()) {
            throw new IOException("json: cannot unmarshal " + value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                    + " into field " + name + " (a list)");
        }
        return value;
    }
}
