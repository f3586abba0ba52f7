package io.promethium.config.internal;

import io.promethium.api.config.PluginConfig;
import io.promethium.config.yaml.YamlNode;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * YAML mappings as {@link PluginConfig} blocks with the location of every entry, so a plugin's
 * (or the HTTP client parser's) errors name file, line and column. Also finds the scalar nodes
 * of declared secret paths for redaction.
 */
final class LocatedBlocks {

    private LocatedBlocks() {
    }

    /** The whole mapping as a block. */
    static PluginConfig of(String key, YamlNode.Mapping mapping) {
        return of(key, mapping, mapping.entries().keySet());
    }

    /** The entries of {@code mapping} named in {@code names}, as a block. */
    static PluginConfig of(String key, YamlNode.Mapping mapping, Collection<String> names) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> locations = new LinkedHashMap<>();
        for (YamlNode.Entry entry : mapping.entries().values()) {
            if (names.contains(entry.key())) {
                values.put(entry.key(), ConfigMapper.plain(entry.value()));
                locations.put(entry.key(), entry.keyLocation().toString());
                collect(entry.key(), entry.value(), locations);
            }
        }
        return new PluginConfig(key, values, mapping.location().toString(), locations);
    }

    private static void collect(String path, YamlNode node, Map<String, String> locations) {
        switch (node) {
            case YamlNode.Mapping m -> {
                for (YamlNode.Entry entry : m.entries().values()) {
                    String child = path + "." + entry.key();
                    locations.put(child, entry.keyLocation().toString());
                    collect(child, entry.value(), locations);
                }
            }
            case YamlNode.Sequence s -> {
                for (int i = 0; i < s.items().size(); i++) {
                    String child = path + "[" + i + "]";
                    locations.put(child, s.items().get(i).location().toString());
                    collect(child, s.items().get(i), locations);
                }
            }
            case YamlNode.Scalar scalar -> {
            }
        }
    }
}
