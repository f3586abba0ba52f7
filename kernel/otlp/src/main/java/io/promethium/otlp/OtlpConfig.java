package io.promethium.otlp;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code otlp:} section of {@code prometheus.yml}, with Prometheus 3's defaults and checks.
 * Every field Prometheus 3 has is implemented; any other key is refused naming it and where it is.
 *
 * @param promoteAll {@code promote_all_resource_attributes}
 * @param promote {@code promote_resource_attributes} (trimmed, unique)
 * @param ignore {@code ignore_resource_attributes}, only with {@code promoteAll}
 */
record OtlpConfig(boolean promoteAll, Set<String> promote, Set<String> ignore, TranslationStrategy strategy,
                  boolean keepIdentifyingResourceAttributes, boolean convertHistogramsToNhcb, boolean promoteScopeMetadata,
                  boolean labelNameUnderscoreSanitization, boolean labelNamePreserveMultipleUnderscores) {

    static final OtlpConfig DEFAULT = new OtlpConfig(false, Set.of(), Set.of(), TranslationStrategy.UnderscoreEscapingWithSuffixes,
            false, false, false, false, false);

    private static final List<String> FIELDS = List.of("promote_all_resource_attributes", "promote_resource_attributes",
            "ignore_resource_attributes", "translation_strategy", "keep_identifying_resource_attributes", "convert_histograms_to_nhcb",
            "promote_scope_metadata", "label_name_underscore_sanitization", "label_name_preserve_multiple_underscores");

    OtlpConfig {
        promote = Set.copyOf(promote);
        ignore = Set.copyOf(ignore);
    }

    /** The section's one block ({@code null}: the section is absent), checked as Prometheus 3 does. */
    static OtlpConfig parse(PluginConfig block) throws ConfigException {
        if (block == null) {
            return DEFAULT;
        }
        for (String key : block.values().keySet()) {
            if (!FIELDS.contains(key)) {
                throw block.error(key, "otlp: field " + key + " not found in type config.OTLPConfig");
            }
        }
        boolean promoteAll = bool(block, "promote_all_resource_attributes");
        List<String> promote = strings(block, "promote_resource_attributes");
        List<String> ignore = strings(block, "ignore_resource_attributes");
        Set<String> promoted;
        Set<String> ignored;
        if (promoteAll) {
            if (!promote.isEmpty()) {
                throw block.error("promote_resource_attributes", "otlp: 'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured simultaneously");
            }
            ignored = sanitize(block, "ignore_resource_attributes", ignore, "ignored");
            promoted = Set.of();
        } else {
            if (!ignore.isEmpty()) {
                throw block.error("ignore_resource_attributes", "otlp: 'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' is true");
            }
            promoted = sanitize(block, "promote_resource_attributes", promote, "promoted");
            ignored = Set.of();
        }
        TranslationStrategy strategy = TranslationStrategy.UnderscoreEscapingWithSuffixes;
        Object s = block.values().get("translation_strategy");
        if (s != null && !s.toString().isEmpty()) {
            try {
                strategy = TranslationStrategy.valueOf(s.toString());
            } catch (IllegalArgumentException e) {
                throw block.error("translation_strategy", "unsupported OTLP translation strategy \"" + s + "\"");
            }
        }
        return new OtlpConfig(promoteAll, promoted, ignored, strategy, bool(block, "keep_identifying_resource_attributes"),
                bool(block, "convert_histograms_to_nhcb"), bool(block, "promote_scope_metadata"),
                bool(block, "label_name_underscore_sanitization"), bool(block, "label_name_preserve_multiple_underscores"));
    }

    private static boolean bool(PluginConfig block, String name) throws ConfigException {
        Object v = block.values().get(name);
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw block.error(name, "otlp: " + name + ": cannot unmarshal " + v + " into a bool");
    }

    private static List<String> strings(PluginConfig block, String name) throws ConfigException {
        Object v = block.values().get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw block.error(name, "otlp: " + name + ": expected a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (item instanceof Map || item instanceof List) {
                throw block.error(name + "[" + i + "]", "otlp: " + name + "[" + i + "]: expected a string");
            }
            out.add(item == null ? "" : item.toString());
        }
        return out;
    }

    /** Prometheus's {@code sanitizeAttributes}: trimmed, none empty, none twice; every fault named. */
    private static Set<String> sanitize(PluginConfig block, String name, List<String> attributes, String adjective) throws ConfigException {
        Set<String> seen = new LinkedHashSet<>();
        List<String> faults = new ArrayList<>();
        for (String raw : attributes) {
            String attr = raw.strip();
            if (attr.isEmpty()) {
                faults.add("empty " + adjective + " OTel resource attribute");
            } else if (!seen.add(attr)) {
                faults.add("duplicated " + adjective + " OTel resource attribute \"" + attr + "\"");
            }
        }
        if (!faults.isEmpty()) {
            throw block.error(name, "otlp: invalid '" + name + "': " + String.join("\n", faults));
        }
        return seen;
    }
}
