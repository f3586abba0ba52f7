package io.promethium.config.internal;

import io.promethium.api.config.PluginConfig;
import io.promethium.config.yaml.EntryLocations;
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
                EntryLocations.add(entry.key(), entry, locations);
            }
        }
        return new PluginConfig(key, values, mapping.location().toString(), locations);
    }
}
