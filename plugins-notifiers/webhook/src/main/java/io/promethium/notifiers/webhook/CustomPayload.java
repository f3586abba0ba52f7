package io.promethium.notifiers.webhook;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.YamlMapping;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.Runes;
import io.promethium.api.notify.TemplateFields;
import io.promethium.goformat.GoFloat;
import io.promethium.goformat.GoStrings;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Alertmanager 0.34's webhook {@code payload}: a body of the user's instead of the webhook
 * message, rendered as its {@code template.DeepCopyWithTemplate} renders it. Every string of the
 * value (map keys included) is a template rendered with the notification's data; a rendered
 * string that reads as YAML of another kind than a string (a mapping, a list, a number, a
 * boolean, null: {@code {{ .CommonLabels | toJson }}}) becomes that value, and is not rendered
 * again (Alertmanager #5302); anything else stays the rendered text. Numbers and booleans of
 * the config pass as they are. The result is written as Go's {@code json.Encoder} writes it:
 * map keys sorted, {@code <>&} escaped, a final newline.
 *
 * <p>The rendered text is read with Alertmanager's YAML rules ({@code gopkg.in/yaml.v2}, YAML
 * 1.1): SnakeYAML parses it, and {@link #scalar} resolves the plain scalars as yaml.v2 does
 * ({@code y}/{@code yes}/{@code on} are true, {@code 0x1f} and {@code 1_000} are integers,
 * timestamps stay strings); a non-string key of a parsed mapping is dropped, as Alertmanager
 * drops it. So is a key of the config's payload that yaml.v2 types as other than a string (a
 * plain {@code 1:}, {@code true:}, {@code yes:}, {@code ~:}; see {@link #stringKey}), with its value:
 * Alertmanager neither refuses nor converts it.
 */
final class CustomPayload {

    /** yaml.v2's {@code yamlStyleFloat}. */
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final Comparator<String> GO_ORDER = Runes::compare;

    private final Object payload;

    CustomPayload(Object payload) {
        this.payload = payload;
    }

    /** Checks that every string of {@code payload} parses as a template, the error naming its path. */
    static void check(PluginConfig block, NotifierContext context, Object payload) throws ConfigException {
        Map<String, String> templates = new LinkedHashMap<>();
        collect("payload", payload, templates);
        TemplateFields.check(block, context, templates);
    }

    private static void collect(String path, Object value, Map<String, String> out) {
        if (value instanceof String s) {
            out.put(path, s);
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collect(path + "[" + i + "]", list.get(i), out);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!stringKey(map, e.getKey())) {
                    continue; // dropped when rendered, so never a template
                }
                String key = String.valueOf(e.getKey());
                out.put(path + "." + key + " (key)", key);
                collect(path + "." + key, e.getValue(), out);
            }
        }
    }

    /** The body for {@code n} (its alerts already cut to {@code max_alerts}). */
    byte[] render(Notification n, NotifierContext context) throws NotifyException {
        Object rendered = copy(payload, n, context);
        StringBuilder sb = new StringBuilder(256);
        json(sb, rendered);
        return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Object copy(Object value, Notification n, NotifierContext context) throws NotifyException {
        if (value instanceof String s) {
            String text = render(s, n, context);
            Object parsed = yaml(text);
            return parsed instanceof String || parsed == NOT_YAML ? text : parsed;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(copy(item, n, context));
            }
            return out;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new TreeMap<>(GO_ORDER);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key) || !stringKey(map, key)) {
                    continue; // Alertmanager skips a key that is not a string
                }
                out.put(render(key, n, context), copy(e.getValue(), n, context));
            }
            return out;
        }
        return value;
    }

    /**
     * Whether Alertmanager's config load (yaml.v2 into {@code any}) gives {@code key} of
     * {@code map} as a string: a quoted key is one; a plain key is one unless it resolves to a
     * number, boolean or null ({@code 1:}, {@code 0x1f:}, {@code yes:}, {@code ~:}), which
     * {@code DeepCopyWithTemplate} then drops with its value, silently. A map whose keys' style is
     * unknown (not read from YAML) has string keys.
     */
    static boolean stringKey(Map<?, ?> map, Object key) {
        if (!(key instanceof String k)) {
            return false;
        }
        return !(map instanceof YamlMapping yaml && yaml.plainKey(k)) || scalar(k) instanceof String;
    }

    private static String render(String text, Notification n, NotifierContext context) throws NotifyException {
        try {
            return TemplateFields.render(context, "payload", text, n);
        } catch (NotifyException e) {
            throw NotifyException.doNotRetry("failed to render custom payload: " + e.getMessage(), e);
        }
    }

    private static final Object NOT_YAML = new Object();

    /** {@code text} as yaml.v2 unmarshals it into {@code any}, or {@link #NOT_YAML} when it does not parse. */
    static Object yaml(String text) {
        Node node;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true);
            node = new Yaml(options).compose(new java.io.StringReader(text));
        } catch (RuntimeException e) {
            return NOT_YAML;
        }
        try {
            return node == null ? null : value(node);
        } catch (NotYaml e) {
            return NOT_YAML;
        }
    }

    private static Object value(Node node) {
        return switch (node) {
            case ScalarNode s -> s.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN ? scalar(s.getValue()) : s.getValue();
            case SequenceNode seq -> {
                List<Object> out = new ArrayList<>();
                for (Node item : seq.getValue()) {
                    out.add(value(item));
                }
                yield out;
            }
            case MappingNode m -> {
                Map<String, Object> out = new TreeMap<>(GO_ORDER);
                putAll(m, out);
                yield out;
            }
            default -> node.toString();
        };
    }

    /**
     * A mapping's keys into {@code out} in file order, a merge key ({@code <<: *base}) setting its
     * mapping's keys (of a list of mappings, the earlier win) as yaml.v2 does; a merge of anything
     * else is not YAML to yaml.v2, so the rendered text is sent as it is.
     */
    private static void putAll(MappingNode m, Map<String, Object> out) {
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode().getTag().equals(org.yaml.snakeyaml.nodes.Tag.MERGE)) {
                List<Node> merged = t.getValueNode() instanceof SequenceNode seq ? seq.getValue() : List.of(t.getValueNode());
                for (int i = merged.size() - 1; i >= 0; i--) {
                    if (!(merged.get(i) instanceof MappingNode source)) {
                        throw new NotYaml();
                    }
                    putAll(source, out);
                }
            } else if (value(t.getKeyNode()) instanceof String key) {
                out.put(key, value(t.getValueNode()));
            }
        }
    }

    /** Thrown where yaml.v2 would fail to unmarshal the rendered text. */
    private static final class NotYaml extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotYaml() {
            super(null, null, false, false);
        }
    }

    /** A plain scalar as yaml.v2 resolves it into {@code any}. */
    static Object scalar(String s) {
        switch (s) {
            case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON" -> {
                return Boolean.TRUE;
            }
            case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF" -> {
                return Boolean.FALSE;
            }
            case "", "~", "null", "Null", "NULL" -> {
                return null;
            }
            case ".nan", ".NaN", ".NAN" -> {
                return Double.NaN;
            }
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-.inf", "-.Inf", "-.INF" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
            }
        }
        char c = s.charAt(0);
        if (!(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
            return s;
        }
        String plain = s.replace("_", "");
        BigInteger integer = goInteger(plain);
        if (integer != null) {
            // int64, else uint64 (yaml.v2), else not an integer
            if (integer.bitLength() < 64) {
                return integer.longValue();
            }
            if (integer.signum() > 0 && integer.bitLength() == 64) {
                return integer;
            }
        }
        if (FLOAT.matcher(plain).matches()) {
            try {
                return Double.parseDouble(plain);
            } catch (NumberFormatException e) {
                return s;
            }
        }
        return s;
    }

    /** Go's {@code strconv.ParseInt(s, 0, 64)} syntax: sign, then 0x/0o/0b/0 (octal) prefixes or decimal. */
    private static BigInteger goInteger(String s) {
        int i = 0;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        String digits = s.substring(i);
        int radix = 10;
        if (digits.length() > 2 && digits.charAt(0) == '0') {
            switch (Character.toLowerCase(digits.charAt(1))) {
                case 'x' -> {
                    radix = 16;
                    digits = digits.substring(2);
                }
                case 'o' -> {
                    radix = 8;
                    digits = digits.substring(2);
                }
                case 'b' -> {
                    radix = 2;
                    digits = digits.substring(2);
                }
                default -> {
                    radix = 8;
                    digits = digits.substring(1);
                }
            }
        } else if (digits.length() == 2 && digits.charAt(0) == '0') {
            radix = 8;
            digits = digits.substring(1);
        }
        if (digits.isEmpty()) {
            return null;
        }
        for (int k = 0; k < digits.length(); k++) {
            if (Character.digit(digits.charAt(k), radix) < 0) {
                return null;
            }
        }
        BigInteger v = new BigInteger(digits, radix);
        return negative ? v.negate() : v;
    }

    /** Go's {@code encoding/json} of a value of the rendered payload. */
    private static void json(StringBuilder sb, Object v) throws NotifyException {
        switch (v) {
            case null -> sb.append("null");
            case String s -> GoStrings.appendJson(sb, s, true);
            case Boolean b -> sb.append(b);
            case Long l -> sb.append(l);
            case Integer i -> sb.append(i);
            case BigInteger b -> sb.append(b);
            case Double d -> {
                if (d.isNaN() || d.isInfinite()) {
                    throw NotifyException.doNotRetry("failed to render custom payload: json: unsupported value: "
                            + (d.isNaN() ? "NaN" : d > 0 ? "+Inf" : "-Inf"), null);
                }
                int start = sb.length();
                GoFloat.appendJson(sb, d);
                // Go's float encoder writes e-7 where strconv writes e-07.
                int n = sb.length();
                if (n - start >= 4 && sb.charAt(n - 4) == 'e' && sb.charAt(n - 3) == '-' && sb.charAt(n - 2) == '0') {
                    sb.deleteCharAt(n - 2);
                }
            }
            case Number num -> sb.append(num);
            case List<?> list -> {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    json(sb, list.get(i));
                }
                sb.append(']');
            }
            case Map<?, ?> map -> {
                Map<String, Object> sorted = new TreeMap<>(GO_ORDER);
                map.forEach((k, val) -> sorted.put(String.valueOf(k), val));
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, Object> e : sorted.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    GoStrings.appendJson(sb, e.getKey(), true);
                    sb.append(':');
                    json(sb, e.getValue());
                }
                sb.append('}');
            }
            default -> GoStrings.appendJson(sb, v.toString(), true);
        }
    }
}
