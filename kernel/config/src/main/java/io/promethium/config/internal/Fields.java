package io.promethium.config.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.config.yaml.Location;
import io.promethium.config.yaml.YamlNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed, strict access to one YAML mapping. Every key read is marked; {@link #finish()} fails on
 * the first key nobody read, naming it and its line. Not thread-safe; one per mapping.
 */
final class Fields {

    private final YamlNode.Mapping mapping;
    private final String context;
    private final Set<String> consumed = new HashSet<>();

    private Fields(YamlNode.Mapping mapping, String context) {
        this.mapping = mapping;
        this.context = context;
    }

    /** Fields of a node that must be a mapping (null or nothing, {@code global:}, means an empty mapping). */
    static Fields of(YamlNode node, String context) throws ConfigException {
        if (node == null || (node instanceof YamlNode.Scalar s && s.isNullOrPlainEmpty())) {
            return new Fields(new YamlNode.Mapping(Map.of(), node == null ? new Location("", 0, 0) : node.location()), context);
        }
        if (!(node instanceof YamlNode.Mapping m)) {
            throw error(node.location(), context + ": expected a mapping, got " + YamlNode.kind(node));
        }
        return new Fields(m, context);
    }

    /** A value written as nothing ({@code key:}): Go's YAML decodes it as null, an empty list or mapping. */
    static boolean isPlainEmpty(YamlNode node) {
        return node instanceof YamlNode.Scalar s && s.isPlainEmpty();
    }

    /** A list item written as nothing ({@code -}), null or an empty scalar: Prometheus's "empty or null" entry. */
    static boolean isEmptyEntry(YamlNode node) {
        return node instanceof YamlNode.Scalar s && (s.isNull() || s.text().isEmpty());
    }

    String context() {
        return context;
    }

    Location location() {
        return mapping.location();
    }

    YamlNode.Mapping mapping() {
        return mapping;
    }

    boolean has(String key) {
        YamlNode node = mapping.get(key);
        return node != null && !(node instanceof YamlNode.Scalar s && s.isNull());
    }

    /** Whether the key is written at all, even with an empty or null value. */
    boolean present(String key) {
        return mapping.entries().containsKey(key);
    }

    /** Whether the key is written with a null or empty scalar ({@code action:}, {@code action: ""}). */
    boolean isNullOrEmpty(String key) {
        YamlNode node = mapping.get(key);
        return node instanceof YamlNode.Scalar s && (s.isNull() || s.text().isEmpty());
    }

    /** The raw node without marking the key read (for checks that run before the key's owner reads it). */
    YamlNode peek(String key) {
        return mapping.get(key);
    }

    /** The raw node (marks the key as read); null when absent or YAML null. */
    YamlNode node(String key) {
        consumed.add(key);
        YamlNode node = mapping.get(key);
        if (node instanceof YamlNode.Scalar s && s.isNull()) {
            return null;
        }
        return node;
    }

    Location keyLocation(String key) {
        YamlNode.Entry entry = mapping.entries().get(key);
        return entry == null ? mapping.location() : entry.keyLocation();
    }

    /** Keys not read yet that satisfy the filter, marking them read. */
    List<YamlNode.Entry> take(java.util.function.Predicate<String> filter) {
        List<YamlNode.Entry> taken = new ArrayList<>();
        for (YamlNode.Entry entry : mapping.entries().values()) {
            if (!consumed.contains(entry.key()) && filter.test(entry.key())) {
                consumed.add(entry.key());
                taken.add(entry);
            }
        }
        return taken;
    }

    String string(String key, String defaultValue) throws ConfigException {
        YamlNode node = node(key);
        if (node == null) {
            return defaultValue;
        }
        if (node instanceof YamlNode.Scalar s) {
            return s.text();
        }
        throw typeError(key, node, "a string");
    }

    boolean bool(String key, boolean defaultValue) throws ConfigException {
        String text = string(key, null);
        if (text == null) {
            return defaultValue;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw error(keyLocation(key), context + ": " + key + ": cannot parse \"" + text + "\" as a boolean");
        };
    }

    long integer(String key, long defaultValue) throws ConfigException {
        String text = string(key, null);
        if (text == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value < 0) {
                throw error(keyLocation(key), context + ": " + key + ": must not be negative, got " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw error(keyLocation(key), context + ": " + key + ": cannot parse \"" + text + "\" as an integer");
        }
    }

    Duration duration(String key, Duration defaultValue) throws ConfigException {
        String text = string(key, null);
        if (text == null) {
            return defaultValue;
        }
        try {
            return Durations.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw error(keyLocation(key), context + ": " + key + ": " + e.getMessage());
        }
    }

    /** A byte size as Prometheus writes it: {@code 0}, {@code 512MB}, {@code 1GiB}. */
    long byteSize(String key, long defaultValue) throws ConfigException {
        String text = string(key, null);
        if (text == null) {
            return defaultValue;
        }
        try {
            return io.promethium.api.config.ByteSizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(keyLocation(key), context + ": " + key + ": " + e.getMessage());
        }
    }

    List<String> strings(String key) throws ConfigException {
        YamlNode node = node(key);
        if (node == null || isPlainEmpty(node)) {
            return List.of();
        }
        if (!(node instanceof YamlNode.Sequence seq)) {
            throw typeError(key, node, "a list of strings");
        }
        List<String> result = new ArrayList<>();
        for (YamlNode item : seq.items()) {
            if (!(item instanceof YamlNode.Scalar s) || s.isNull()) {
                throw error(item.location(), context + ": " + key + ": expected a string, got " + YamlNode.kind(item));
            }
            result.add(s.text());
        }
        return List.copyOf(result);
    }

    /** A mapping of strings to strings, in file order. */
    Map<String, String> stringMap(String key) throws ConfigException {
        YamlNode node = node(key);
        if (node == null || isPlainEmpty(node)) {
            return Map.of();
        }
        if (!(node instanceof YamlNode.Mapping m)) {
            throw typeError(key, node, "a mapping of strings");
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (YamlNode.Entry entry : m.entries().values()) {
            if (!(entry.value() instanceof YamlNode.Scalar s)) {
                throw error(entry.value().location(), context + ": " + key + "." + entry.key()
                        + ": expected a string, got " + YamlNode.kind(entry.value()));
            }
            result.put(entry.key(), s.isNull() ? "" : s.text());
        }
        return result;
    }

    /** The items of a list-valued key (empty when absent). */
    List<YamlNode> list(String key) throws ConfigException {
        YamlNode node = node(key);
        if (node == null || isPlainEmpty(node)) {
            return List.of();
        }
        if (!(node instanceof YamlNode.Sequence seq)) {
            throw typeError(key, node, "a list");
        }
        return seq.items();
    }

    /** Marks keys as known but unused (accepted for compatibility, not acted on). */
    void accept(String... keys) {
        for (String key : keys) {
            consumed.add(key);
        }
    }

    /** Fails on the first key that no one read. */
    void finish() throws ConfigException {
        for (YamlNode.Entry entry : mapping.entries().values()) {
            if (!consumed.contains(entry.key())) {
                throw error(entry.keyLocation(), "field " + entry.key() + " not found in " + context);
            }
        }
    }

    ConfigException typeError(String key, YamlNode node, String expected) {
        return error(node.location(), context + ": " + key + ": expected " + expected + ", got " + YamlNode.kind(node));
    }

    static ConfigException error(Location location, String message) {
        return new ConfigException(location.line() > 0 ? location + ": " + message : message);
    }
}
