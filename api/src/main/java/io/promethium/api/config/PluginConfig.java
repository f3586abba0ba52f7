package io.promethium.api.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * One block of config routed to a plugin: an entry of a list under an owned key, for example one
 * element of {@code file_sd_configs:}. Values are what YAML gives: {@link String}, {@link Number},
 * {@link Boolean}, {@link List}, {@link Map} (string keys), or {@code null}.
 *
 * <p>Nested mappings are blocks too: {@link #block(String)} gives {@code tls_config:} of a block
 * and {@link #blocks(String)} each mapping of a list such as {@code static_configs:}, each with
 * its own location, so every error names the file, line and column of the value at fault.
 * Immutable and thread-safe.
 *
 * @param key the owned key ({@code file_sd_configs}); a nested block's key is the dotted path
 *            from it ({@code consul_sd_configs.tls_config})
 * @param values the block's entries, in file order
 * @param location where the block starts, as {@code file:line:column}; used in error messages
 * @param locations where each entry is, as {@code file:line:column}, by path inside the block:
 *            {@code name} for a key, {@code name[2]} for an item of a list, {@code name.inner}
 *            and {@code name[2].inner} deeper down; may be empty (then errors name the block)
 */
public record PluginConfig(String key, Map<String, Object> values, String location, Map<String, String> locations) {

    public PluginConfig {
        Objects.requireNonNull(key, "key is null");
        values = values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
        location = location == null ? "" : location;
        locations = locations == null ? Map.of() : Map.copyOf(locations);
    }

    /** A block without the locations of its entries (errors then name the block's location). */
    public PluginConfig(String key, Map<String, Object> values, String location) {
        this(key, values, location, Map.of());
    }

    /** Whether {@code name} is present with a non-null value. */
    public boolean has(String name) {
        return values.get(name) != null;
    }

    /** Where the entry {@code name} is written ({@code file:line:column}), else where the block starts. */
    public String locationOf(String name) {
        String at = locations.get(name);
        return at == null ? location : at;
    }

    /**
     * The nested mapping under {@code name} as a block of its own (key {@code key.name}), or
     * {@code null} when absent or null.
     *
     * @throws ConfigException when the value is not a mapping
     */
    public PluginConfig block(String name) throws ConfigException {
        Object value = values.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw error(name, name + ": expected a mapping, got " + describe(value));
        }
        return new PluginConfig(key + "." + name, mapping(map), locationOf(name), nested(name + "."));
    }

    /**
     * The mappings of the list under {@code name}, each a block of its own (key
     * {@code key.name[i]}); empty when absent.
     *
     * @throws ConfigException when the value is not a list of mappings
     */
    public List<PluginConfig> blocks(String name) throws ConfigException {
        Object value = values.get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw error(name, name + ": expected a list, got " + describe(value));
        }
        List<PluginConfig> result = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String path = name + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> map)) {
                throw error(path, path + ": expected a mapping, got " + describe(list.get(i)));
            }
            String at = locations.get(path);
            result.add(new PluginConfig(key + "." + path, mapping(map), at == null ? locationOf(name) : at, nested(path + ".")));
        }
        return List.copyOf(result);
    }

    /** A mapping of strings to strings ({@code node_meta}, {@code endpoint_params}), in file order; empty when absent. */
    public Map<String, String> stringMap(String name) throws ConfigException {
        Object value = values.get(name);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw error(name, name + ": expected a mapping of strings, got " + describe(value));
        }
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object v = entry.getValue();
            if (v != null && !(v instanceof String || v instanceof Number || v instanceof Boolean)) {
                throw error(name, name + "." + entry.getKey() + ": expected a string, got " + describe(v));
            }
            result.put(String.valueOf(entry.getKey()), v == null ? "" : v.toString());
        }
        return Collections.unmodifiableMap(result);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mapping(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private Map<String, String> nested(String prefix) {
        Map<String, String> result = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : locations.entrySet()) {
            if (entry.getKey().startsWith(prefix)) {
                result.put(entry.getKey().substring(prefix.length()), entry.getValue());
            }
        }
        return result;
    }

    /** Fails naming the first key that is not among {@code known}. */
    public void requireOnly(Set<String> known) throws ConfigException {
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                throw error(name, "field " + name + " not found in " + key + " (known fields: " + new TreeSet<>(known) + ")");
            }
        }
    }

    public String string(String name, String defaultValue) throws ConfigException {
        Object value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw error(name, name + ": expected a string, got " + describe(value));
    }

    public String requiredString(String name) throws ConfigException {
        String value = string(name, null);
        if (value == null || value.isEmpty()) {
            throw error(name, name + " is required in " + key);
        }
        return value;
    }

    public long integer(String name, long defaultValue) throws ConfigException {
        Object value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Number n && n.doubleValue() == n.longValue()) {
            return n.longValue();
        }
        throw error(name, name + ": expected an integer, got " + describe(value));
    }

    public boolean bool(String name, boolean defaultValue) throws ConfigException {
        Object value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            // YAML 1.1 booleans, as Prometheus's YAML library reads them.
            switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "on" -> {
                    return true;
                }
                case "false", "no", "off" -> {
                    return false;
                }
                default -> {
                }
            }
        }
        throw error(name, name + ": expected true or false, got " + describe(value));
    }

    /** A Prometheus duration ({@code 30s}, {@code 1h30m}, {@code 2d}). */
    public Duration duration(String name, Duration defaultValue) throws ConfigException {
        String text = string(name, null);
        if (text == null) {
            return defaultValue;
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw error(name, name + ": " + e.getMessage());
        }
    }

    /** A list of strings; a single string is not accepted (as in Prometheus). */
    public List<String> strings(String name) throws ConfigException {
        Object value = values.get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw error(name, name + ": expected a list of strings, got " + describe(value));
        }
        List<String> result = new ArrayList<>(list.size());
        for (Object element : list) {
            if (!(element instanceof String s)) {
                throw error(name, name + ": expected a list of strings, found " + describe(element));
            }
            result.add(s);
        }
        return List.copyOf(result);
    }

    /** An error about this block, prefixed with its location; its {@code field()} is the block's key. */
    public ConfigException error(String message) {
        return new ConfigException(location.isEmpty() ? message : location + ": " + message, location, key, null);
    }

    /**
     * An error about the entry {@code name}, prefixed with that entry's location (else the
     * block's); its {@code field()} is {@code key.name} and its {@code location()} that location.
     */
    public ConfigException error(String name, String message) {
        String at = locationOf(name);
        return new ConfigException(at.isEmpty() ? message : at + ": " + message, at, key + "." + name, null);
    }

    private static String describe(Object value) {
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof Map) {
            return "a mapping";
        }
        return value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + value;
    }
}
