package io.promethium.config.model;

import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The top-level lists of a config file that plugins own ({@code remote_write:}, {@code remote_read:}),
 * as the entries to hand each owner, with the context the owner compiles them in.
 */
public final class ConfigSections {

    /** No plugin-owned sections. */
    public static final ConfigSections NONE = new ConfigSections(Map.of(), null);

    private final Map<String, List<PluginConfig>> entries;
    private final SectionContext context;

    public ConfigSections(Map<String, List<PluginConfig>> entries, SectionContext context) {
        Map<String, List<PluginConfig>> copy = new LinkedHashMap<>();
        entries.forEach((key, list) -> copy.put(key, List.copyOf(list)));
        this.entries = java.util.Collections.unmodifiableMap(copy);
        this.context = context;
    }

    /** The entries under {@code key}; empty when the file does not have it. */
    public List<PluginConfig> entries(String key) {
        return entries.getOrDefault(Objects.requireNonNull(key, "key is null"), List.of());
    }

    /** Every owned key the file has, in file order. */
    public Map<String, List<PluginConfig>> all() {
        return entries;
    }

    /** What owners compile their entries in (external labels, relabeling); null only for {@link #NONE}. */
    public SectionContext context() {
        return context;
    }
}
