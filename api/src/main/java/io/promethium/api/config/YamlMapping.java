package io.promethium.api.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A mapping of a plugin block's values that says which of its keys were written as plain YAML
 * scalars ({@code 1:}, {@code true:}, {@code ~:}) rather than quoted. The keys are text, as for
 * any mapping of {@link PluginConfig#values()}; a field that Alertmanager decodes into Go's
 * {@code any} (webhook {@code payload}) needs to know that Go's YAML typed such a key as a
 * number, boolean or null, which it then treats as not a string. Keeps the file's order.
 *
 * @since 1.5
 */
public final class YamlMapping extends LinkedHashMap<String, Object> {

    private static final long serialVersionUID = 1L;

    private final Set<String> plainKeys;

    /**
     * @param entries the mapping, in the file's order
     * @param plainKeys those of its keys written as plain scalars
     */
    public YamlMapping(Map<String, Object> entries, Set<String> plainKeys) {
        super(entries);
        this.plainKeys = Set.copyOf(Objects.requireNonNull(plainKeys, "plainKeys is null"));
    }

    /** Whether {@code key} was written as a plain scalar (not quoted): YAML's resolution may type it as other than a string. */
    public boolean plainKey(String key) {
        return plainKeys.contains(key);
    }
}
