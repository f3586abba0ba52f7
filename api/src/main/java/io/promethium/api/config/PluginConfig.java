package io.promethium.api.config;

import java.time.Duration;
import java.util.ArrayList;
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
 * @param key the owned key ({@code file_sd_configs})
 * @param values the block's entries, in file order
 * @param location where the block starts, as {@code file:line:column}; used in error messages
 */
public record PluginConfig(String key, Map<String, Object> values, String location) {

    public PluginConfig {
        Objects.requireNonNull(key, "key is null");
        values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        location = location == null ? "" : location;
    }

    /** Fails naming the first key that is not among {@code known}. */
    public void requireOnly(Set<String> known) throws ConfigException {
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                throw error("field " + name + " not found in " + key + " (known fields: " + new TreeSet<>(known) + ")");
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
        throw error(name + ": expected a string, got " + describe(value));
    }

    public String requiredString(String name) throws ConfigException {
        String value = string(name, null);
        if (value == null || value.isEmpty()) {
            throw error(name + " is required in " + key);
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
        throw error(name + ": expected an integer, got " + describe(value));
    }

    public boolean bool(String name, boolean defaultValue) throws ConfigException {
        Object value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw error(name + ": expected true or false, got " + describe(value));
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
            throw error(name + ": " + e.getMessage());
        }
    }

    /** A list of strings; a single string is not accepted (as in Prometheus). */
    public List<String> strings(String name) throws ConfigException {
        Object value = values.get(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw error(name + ": expected a list of strings, got " + describe(value));
        }
        List<String> result = new ArrayList<>(list.size());
        for (Object element : list) {
            if (!(element instanceof String s)) {
                throw error(name + ": expected a list of strings, found " + describe(element));
            }
            result.add(s);
        }
        return List.copyOf(result);
    }

    /** An error about this block, prefixed with its location. */
    public ConfigException error(String message) {
        return new ConfigException(location.isEmpty() ? message : location + ": " + message);
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
