package io.promethium.api.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One invalid value of a config block, for the config checks of the contract bases: the field it
 * is written at and the value. The field is a dotted path inside the block, as
 * {@link io.promethium.api.config.PluginConfig#locations()} names entries: {@code refresh_interval},
 * {@code tls_config.ca_file}, {@code static_configs[0].targets}. The plugin's {@code validate}
 * must refuse the block with that value with a {@link io.promethium.api.config.ConfigException}
 * whose {@code field()} is that path under the block's key and whose {@code location()} is where
 * the value is written (what {@link io.promethium.api.config.PluginConfig#error(String, String)}
 * of the block holding the field gives).
 *
 * <pre>{@code
 * protected BadValue badValue() {
 *     return new BadValue("refresh_interval", "soon"); // not a duration
 * }
 * }</pre>
 *
 * @param field the dotted path of the field; the mappings and list items on the way exist in the
 *              valid block (the last key need not)
 * @param value what YAML would give for the bad value ({@link String}, {@link Number},
 *              {@link Boolean}, {@link List}, {@link Map})
 */
public record BadValue(String field, Object value) {

    private static final Pattern PART = Pattern.compile("([^.\\[\\]]+)((?:\\[\\d+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    public BadValue {
        Objects.requireNonNull(field, "field is null");
        if (field.isEmpty()) {
            throw new IllegalArgumentException("field is empty");
        }
    }

    /** The last key of {@link #field()} ({@code ca_file} of {@code tls_config.ca_file}), which an error message names. */
    public String name() {
        String last = field.substring(field.lastIndexOf('.') + 1);
        int bracket = last.indexOf('[');
        return bracket < 0 ? last : last.substring(0, bracket);
    }

    /** A copy of {@code block} with {@link #value()} at {@link #field()}; {@code block} is left as it is. */
    public Map<String, Object> applyTo(Map<String, Object> block) {
        Map<String, Object> copy = copyMap(block);
        Object container = copy;
        String[] parts = field.split("\\.");
        for (int p = 0; p < parts.length; p++) {
            Matcher m = PART.matcher(parts[p]);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a field path: " + field);
            }
            List<Integer> indexes = new ArrayList<>();
            Matcher i = INDEX.matcher(m.group(2));
            while (i.find()) {
                indexes.add(Integer.parseInt(i.group(1)));
            }
            Map<String, Object> map = asMap(container, field);
            boolean last = p == parts.length - 1;
            if (last && indexes.isEmpty()) {
                map.put(m.group(1), value);
                return copy;
            }
            container = map.get(m.group(1));
            for (int k = 0; k < indexes.size(); k++) {
                if (!(container instanceof List<?> raw)) {
                    throw new IllegalArgumentException(field + ": " + m.group(1) + " is not a list in the valid block");
                }
                @SuppressWarnings("unchecked")
                List<Object> list = (List<Object>) raw;
                int index = indexes.get(k);
                if (index >= list.size()) {
                    throw new IllegalArgumentException(field + ": the valid block's " + m.group(1) + " has no item " + index);
                }
                if (last && k == indexes.size() - 1) {
                    list.set(index, value);
                    return copy;
                }
                container = list.get(index);
            }
        }
        throw new IllegalStateException("unreachable: " + field);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object container, String field) {
        if (!(container instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(field + ": a part of the path is not a mapping in the valid block");
        }
        return (Map<String, Object>) map;
    }

    /** Deep copy of mappings and lists, so that setting a value inside changes nothing of the test's. */
    private static Map<String, Object> copyMap(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            copy.put(String.valueOf(e.getKey()), copyValue(e.getValue()));
        }
        return copy;
    }

    private static Object copyValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            return copyMap(map);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object o : list) {
                copy.add(copyValue(o));
            }
            return copy;
        }
        return value;
    }
}
