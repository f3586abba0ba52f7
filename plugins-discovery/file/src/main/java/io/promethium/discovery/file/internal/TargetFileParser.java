package io.promethium.discovery.file.internal;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one target file: a list of {@code {targets: [...], labels: {...}}} entries, in JSON or
 * YAML by the file's extension. Each entry becomes a group whose source is {@code path:index} and
 * whose labels carry {@code __meta_filepath}, as in Prometheus.
 */
final class TargetFileParser {

    static final String META_FILEPATH = "__meta_filepath";

    private final ObjectMapper json = new ObjectMapper();
    private final ObjectMapper yaml = new YAMLMapper();

    List<TargetGroup> parse(Path path, byte[] content) throws TargetFileException {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean isJson = name.endsWith(".json");
        JsonNode root;
        try {
            root = isJson ? json.readTree(content) : yaml.readTree(content);
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw new TargetFileException(path + ": not valid " + (isJson ? "JSON" : "YAML") + where + ": " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new TargetFileException(path + ": " + e.getMessage());
        }
        List<TargetGroup> groups = new ArrayList<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return groups;
        }
        if (!root.isArray()) {
            throw new TargetFileException(path + ": expected a list of target groups, got " + describe(root));
        }
        String file = path.toString();
        for (int i = 0; i < root.size(); i++) {
            groups.add(group(file, i, root.get(i)));
        }
        return groups;
    }

    private static TargetGroup group(String file, int index, JsonNode node) throws TargetFileException {
        String where = file + ": group " + index;
        if (!node.isObject()) {
            throw new TargetFileException(where + ": expected a mapping with targets and labels, got " + describe(node));
        }
        Iterator<String> fields = node.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!field.equals("targets") && !field.equals("labels")) {
                throw new TargetFileException(where + ": unknown field \"" + field + "\" (known fields: labels, targets)");
            }
        }
        Labels.Builder labels = Labels.builder();
        JsonNode labelNode = node.get("labels");
        if (labelNode != null && !labelNode.isNull()) {
            if (!labelNode.isObject()) {
                throw new TargetFileException(where + ": labels: expected a mapping of label names to values, got " + describe(labelNode));
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = labelNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String labelName = entry.getKey();
                if (!isValidLabelName(labelName)) {
                    throw new TargetFileException(where + ": labels: \"" + labelName + "\" is not a valid label name");
                }
                JsonNode value = entry.getValue();
                if (!value.isValueNode() || value.isNull()) {
                    throw new TargetFileException(where + ": labels: value of \"" + labelName + "\" must be a string, got " + describe(value));
                }
                labels.set(labelName, value.asText());
            }
        }
        labels.set(META_FILEPATH, file);
        List<Labels> targets = new ArrayList<>();
        JsonNode targetNode = node.get("targets");
        if (targetNode != null && !targetNode.isNull()) {
            if (!targetNode.isArray()) {
                throw new TargetFileException(where + ": targets: expected a list of host:port strings, got " + describe(targetNode));
            }
            for (int t = 0; t < targetNode.size(); t++) {
                JsonNode target = targetNode.get(t);
                if (!target.isTextual() || target.asText().isEmpty()) {
                    throw new TargetFileException(where + ": targets[" + t + "]: expected a non-empty host:port string, got " + describe(target));
                }
                targets.add(Labels.of("__address__", target.asText()));
            }
        }
        return new TargetGroup(file + ":" + index, targets, labels.build());
    }

    /** Prometheus 3 accepts any UTF-8 label name; only an empty name is refused. */
    private static boolean isValidLabelName(String name) {
        return !name.isEmpty();
    }

    private static String describe(JsonNode node) {
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isNull()) {
            return "null";
        }
        return node.getNodeType().name().toLowerCase(Locale.ROOT) + " " + node.asText();
    }
}
