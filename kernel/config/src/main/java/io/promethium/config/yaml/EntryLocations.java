package io.promethium.config.yaml;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each entry under a YAML mapping is written, by its path as {@code PluginConfig} names
 * fields ({@code url}, {@code http_config.tls_config.ca_file}, {@code headers[0]}), so an error
 * about one field can name its file:line:col. Shared by the Prometheus and Alertmanager config
 * loaders.
 */
public final class EntryLocations {

    private EntryLocations() {
    }

    /** Every entry of {@code mapping}, nested ones included. */
    public static Map<String, String> of(YamlNode.Mapping mapping) {
        Map<String, String> locations = new LinkedHashMap<>();
        for (YamlNode.Entry entry : mapping.entries().values()) {
            add(entry.key(), entry, locations);
        }
        return locations;
    }

    /** The entry at {@code path} and everything under it. */
    public static void add(String path, YamlNode.Entry entry, Map<String, String> locations) {
        locations.put(path, entry.keyLocation().toString());
        under(path, entry.value(), locations);
    }

    private static void under(String path, YamlNode node, Map<String, String> locations) {
        switch (node) {
            case YamlNode.Mapping m -> {
                for (YamlNode.Entry entry : m.entries().values()) {
                    add(path + "." + entry.key(), entry, locations);
                }
            }
            case YamlNode.Sequence s -> {
                for (int i = 0; i < s.items().size(); i++) {
                    String child = path + "[" + i + "]";
                    locations.put(child, s.items().get(i).location().toString());
                    under(child, s.items().get(i), locations);
                }
            }
            case YamlNode.Scalar scalar -> {
            }
        }
    }
}
