package io.promethium.alertmanager.config;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.config.yaml.Location;
import io.promethium.config.yaml.YamlNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict, located access to one mapping of {@code alertmanager.yml}: every key must be read,
 * {@link #finish()} names the first that was not (as Alertmanager's strict unmarshalling does).
 */
final class Block {

    private final YamlNode.Mapping mapping;
    private final String type;
    private final Set<String> read = new HashSet<>();

    private Block(YamlNode.Mapping mapping, String type) {
        this.mapping = mapping;
        this.type = type;
    }

    static Block of(YamlNode node, String type) throws ConfigException {
        if (node == null || node instanceof YamlNode.Scalar s && s.isNull()) {
            return new Block(new YamlNode.Mapping(Map.of(), node == null ? new Location("", 1, 1) : node.location()), type);
        }
        if (!(node instanceof YamlNode.Mapping m)) {
            throw error(node.location(), "cannot unmarshal " + YamlNode.kind(node) + " into " + type);
        }
        return new Block(m, type);
    }

    static ConfigException error(Location at, String message) {
        return new ConfigException(at + ": " + message);
    }

    Location location() {
        return mapping.location();
    }

    Location at(String key) {
        YamlNode.Entry e = mapping.entries().get(key);
        return e == null ? mapping.location() : e.keyLocation();
    }

    /** Where the entry {@code name} of the mapping under {@code key} is written; else where {@code key} is. */
    Location at(String key, String name) {
        if (mapping.get(key) instanceof YamlNode.Mapping m && m.entries().get(name) != null) {
            return m.entries().get(name).keyLocation();
        }
        return at(key);
    }

    /** Where the first item {@code value} of the list under {@code key} is written; else where {@code key} is. */
    Location itemAt(String key, String value) {
        if (mapping.get(key) instanceof YamlNode.Sequence seq) {
            for (YamlNode item : seq.items()) {
                if (item instanceof YamlNode.Scalar s && !s.isNull() && s.text().equals(value)) {
                    return item.location();
                }
            }
        }
        return at(key);
    }

    boolean has(String key) {
        YamlNode n = mapping.get(key);
        return n != null && !(n instanceof YamlNode.Scalar s && s.isNull());
    }

    YamlNode node(String key) {
        read.add(key);
        YamlNode n = mapping.get(key);
        return n instanceof YamlNode.Scalar s && s.isNull() ? null : n;
    }

    /** Keys not read yet that satisfy {@code filter}, marked read. */
    List<YamlNode.Entry> take(java.util.function.Predicate<String> filter) {
        List<YamlNode.Entry> out = new ArrayList<>();
        for (YamlNode.Entry e : mapping.entries().values()) {
            if (!read.contains(e.key()) && filter.test(e.key())) {
                read.add(e.key());
                out.add(e);
            }
        }
        return out;
    }

    String string(String key, String fallback) throws ConfigException {
        YamlNode n = node(key);
        if (n == null) {
            return fallback;
        }
        if (n instanceof YamlNode.Scalar s) {
            return s.text();
        }
        throw error(n.location(), key + ": expected a string, got " + YamlNode.kind(n));
    }

    boolean bool(String key, boolean fallback) throws ConfigException {
        YamlNode n = node(key);
        if (n == null) {
            return fallback;
        }
        if (n instanceof YamlNode.Scalar s && !s.string() && (s.text().equals("true") || s.text().equals("false"))) {
            return Boolean.parseBoolean(s.text());
        }
        throw error(n.location(), key + ": expected true or false, got " + YamlNode.kind(n));
    }

    /** A duration, or null when absent. */
    Duration duration(String key) throws ConfigException {
        String text = string(key, null);
        if (text == null) {
            return null;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(at(key), key + ": not a valid duration string: \"" + text + "\"");
        }
    }

    List<String> strings(String key) throws ConfigException {
        YamlNode n = node(key);
        if (n == null) {
            return List.of();
        }
        if (!(n instanceof YamlNode.Sequence seq)) {
            throw error(n.location(), key + ": expected a list of strings, got " + YamlNode.kind(n));
        }
        List<String> out = new ArrayList<>();
        for (YamlNode item : seq.items()) {
            if (!(item instanceof YamlNode.Scalar s) || s.isNull()) {
                throw error(item.location(), key + ": expected a string, got " + YamlNode.kind(item));
            }
            out.add(s.text());
        }
        return out;
    }

    /** A mapping of strings to strings (match, match_re), in file order. */
    Map<String, String> stringMap(String key) throws ConfigException {
        YamlNode n = node(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null) {
            return out;
        }
        if (!(n instanceof YamlNode.Mapping m)) {
            throw error(n.location(), key + ": expected a mapping of strings, got " + YamlNode.kind(n));
        }
        for (YamlNode.Entry e : m.entries().values()) {
            if (!(e.value() instanceof YamlNode.Scalar s) || s.isNull()) {
                throw error(e.keyLocation(), key + "." + e.key() + ": expected a string");
            }
            out.put(e.key(), s.text());
        }
        return out;
    }

    /** As {@link #stringMap}, a YAML null value given as null (for the caller's own message). */
    Map<String, String> stringMapOrNulls(String key) throws ConfigException {
        YamlNode n = node(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n instanceof YamlNode.Scalar s && s.isNull()) {
            return out;
        }
        if (!(n instanceof YamlNode.Mapping m)) {
            throw error(n.location(), key + ": expected a mapping of strings, got " + YamlNode.kind(n));
        }
        for (YamlNode.Entry e : m.entries().values()) {
            if (!(e.value() instanceof YamlNode.Scalar s)) {
                throw error(e.keyLocation(), key + "." + e.key() + ": expected a string");
            }
            out.put(e.key(), s.text());
        }
        return out;
    }

    List<YamlNode> list(String key) throws ConfigException {
        YamlNode n = node(key);
        if (n == null) {
            return List.of();
        }
        if (!(n instanceof YamlNode.Sequence seq)) {
            throw error(n.location(), key + ": expected a list, got " + YamlNode.kind(n));
        }
        return seq.items();
    }

    /** Fails on the first key nobody read. */
    void finish() throws ConfigException {
        for (YamlNode.Entry e : mapping.entries().values()) {
            if (!read.contains(e.key())) {
                throw error(e.keyLocation(), "field " + e.key() + " not found in type " + type);
            }
        }
    }

    /** A node as plain Java values (String, Long, Double, Boolean, List, Map), for plugin blocks. */
    static Object plain(YamlNode node) {
        return switch (node) {
            case null -> null;
            case YamlNode.Scalar s -> {
                if (s.isNull()) {
                    yield null;
                }
                if (s.string()) {
                    yield s.text();
                }
                if (s.text().equals("true") || s.text().equals("false")) {
                    yield Boolean.parseBoolean(s.text());
                }
                try {
                    yield Long.parseLong(s.text());
                } catch (NumberFormatException e) {
                    try {
                        yield Double.parseDouble(s.text());
                    } catch (NumberFormatException e2) {
                        yield s.text();
                    }
                }
            }
            case YamlNode.Sequence seq -> {
                List<Object> out = new ArrayList<>();
                for (YamlNode item : seq.items()) {
                    out.add(plain(item));
                }
                yield out;
            }
            case YamlNode.Mapping m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                java.util.Set<String> plainKeys = new java.util.HashSet<>();
                for (YamlNode.Entry e : m.entries().values()) {
                    out.put(e.key(), plain(e.value()));
                    if (e.plainKey()) {
                        plainKeys.add(e.key());
                    }
                }
                // Which keys were plain, for fields Go decodes into any (webhook payload), where YAML types such keys.
                yield new io.promethium.api.config.YamlMapping(out, plainKeys);
            }
        };
    }
}
