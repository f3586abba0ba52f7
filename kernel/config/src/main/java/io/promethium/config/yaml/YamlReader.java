package io.promethium.config.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.promethium.api.config.ConfigException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads YAML text into a located tree. Thread-safe; the factory is immutable once built. */
public final class YamlReader {

    private final YAMLFactory factory = YAMLFactory.builder().build();

    /**
     * Parses a whole document.
     *
     * @param file the name used in locations and errors
     * @return the root node; an empty document is an empty mapping
     * @throws ConfigException with file, line and column for malformed YAML or duplicate keys
     */
    public YamlNode read(String file, String text) throws ConfigException {
        try (JsonParser parser = factory.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return new YamlNode.Mapping(Map.of(), new Location(file, 1, 1));
            }
            YamlNode root = readValue(file, parser);
            return root;
        } catch (IOException e) {
            throw new ConfigException(describe(file, e));
        }
    }

    private YamlNode readValue(String file, JsonParser parser) throws IOException, ConfigException {
        Location location = location(file, parser.currentTokenLocation());
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    Location keyLocation = location(file, parser.currentTokenLocation());
                    parser.nextToken();
                    YamlNode value = readValue(file, parser);
                    if (entries.containsKey(key)) {
                        throw new ConfigException(keyLocation + ": mapping key \"" + key + "\" already defined at line "
                                + entries.get(key).keyLocation().line());
                    }
                    entries.put(key, new YamlNode.Entry(key, keyLocation, value));
                }
                return new YamlNode.Mapping(entries, location);
            }
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readValue(file, parser));
                }
                return new YamlNode.Sequence(items, location);
            }
            case VALUE_NULL -> {
                return new YamlNode.Scalar(null, false, location);
            }
            default -> {
                String text = parser.getText();
                // Jackson types plain scalars (12, true, 1.5) itself; anything it reports as a
                // string was either quoted or not a number or boolean.
                return new YamlNode.Scalar(text, token == JsonToken.VALUE_STRING, location);
            }
        }
    }

    private static Location location(String file, JsonLocation location) {
        return new Location(file, Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
    }

    private static String describe(String file, IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null) {
            JsonLocation l = jpe.getLocation();
            return file + ":" + l.getLineNr() + ":" + l.getColumnNr() + ": invalid YAML: " + jpe.getOriginalMessage();
        }
        return file + ": invalid YAML: " + e.getMessage();
    }
}
