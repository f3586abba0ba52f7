package io.promethium.config.yaml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A node of a located YAML tree. */
public sealed interface YamlNode {

    Location location();

    /**
     * A scalar as written; {@code null} text for YAML null ({@code ~}, {@code null}, or nothing).
     * {@code string} is false for plain numbers and booleans.
     */
    record Scalar(String text, boolean string, Location location) implements YamlNode {
        public boolean isNull() {
            return text == null;
        }

        /**
         * Whether the value is written as nothing ({@code key:}): YAML null to Go's parser, so a
         * mapping or list section written so is empty, while a string setting reads it as "".
         */
        public boolean isPlainEmpty() {
            return !string && "".equals(text);
        }

        /** Null or written as nothing: what Go's YAML decodes into an empty struct or list. */
        public boolean isNullOrPlainEmpty() {
            return text == null || isPlainEmpty();
        }
    }

    record Sequence(List<YamlNode> items, Location location) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    /** A mapping; entries keep file order. */
    record Mapping(Map<String, Entry> entries, Location location) implements YamlNode {
        public Mapping {
            entries = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public YamlNode get(String key) {
            Entry entry = entries.get(key);
            return entry == null ? null : entry.value();
        }
    }

    /**
     * One key of a mapping with the key's own location; {@code plainKey} when the key was written
     * as a plain scalar (not quoted, no tag), which Go's YAML may type as a number, boolean or null.
     */
    record Entry(String key, Location keyLocation, YamlNode value, boolean plainKey) {
        /** A key taken as a string (quoted). */
        public Entry(String key, Location keyLocation, YamlNode value) {
            this(key, keyLocation, value, false);
        }
    }

    /** A human name of the node kind, for error messages. */
    static String kind(YamlNode node) {
        return switch (node) {
            case Scalar s -> s.isNull() ? "null" : "scalar \"" + s.text() + "\"";
            case Sequence s -> "a list";
            case Mapping m -> "a mapping";
        };
    }
}
