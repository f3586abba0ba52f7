package io.promethium.config.yaml;

import java.util.Set;

/** Writes a located tree back as block YAML, replacing the values of secret keys. */
public final class YamlWriter {

    /** Keys whose values are secrets in Prometheus's config types. */
    public static final Set<String> SECRET_KEYS = Set.of("password", "credentials", "bearer_token", "client_secret",
            "secret_key", "api_key", "auth_password", "service_key", "routing_key", "api_secret", "token");

    /** Keys whose every scalar below is a secret ({@code http_headers.X.secrets}, {@code proxy_connect_header}). */
    static final Set<String> SECRET_CONTAINERS = Set.of("secrets", "proxy_connect_header");

    private YamlWriter() {
    }

    public static String redacted(YamlNode root) {
        return redacted(root, Set.of());
    }

    /**
     * The tree as YAML with the values of {@link #SECRET_KEYS} and the scalar nodes in
     * {@code secretNodes} (compared by identity: the secrets plugins declare) replaced by {@code <secret>}.
     */
    public static String redacted(YamlNode root, Set<YamlNode> secretNodes) {
        StringBuilder sb = new StringBuilder();
        write(sb, root, 0, false, secretNodes);
        return sb.toString();
    }

    private static void write(StringBuilder sb, YamlNode node, int indent, boolean inlineStart, Set<YamlNode> secretNodes) {
        switch (node) {
            case YamlNode.Mapping m -> {
                if (m.entries().isEmpty()) {
                    sb.append(inlineStart ? "{}\n" : " {}\n");
                    return;
                }
                boolean first = true;
                if (!inlineStart) {
                    sb.append('\n');
                }
                for (YamlNode.Entry entry : m.entries().values()) {
                    if (!(first && inlineStart)) {
                        sb.append(" ".repeat(indent));
                    }
                    first = false;
                    sb.append(scalar(entry.key())).append(':');
                    YamlNode value = entry.value();
                    if ((SECRET_KEYS.contains(entry.key()) || secretNodes.contains(value)) && value instanceof YamlNode.Scalar) {
                        sb.append(" <secret>\n");
                    } else if (SECRET_CONTAINERS.contains(entry.key())) {
                        Set<YamlNode> all = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                        all.addAll(secretNodes);
                        scalars(value, all);
                        write(sb, value, indent + 2, false, all);
                    } else {
                        write(sb, value, indent + 2, false, secretNodes);
                    }
                }
            }
            case YamlNode.Sequence s -> {
                if (s.items().isEmpty()) {
                    sb.append(" []\n");
                    return;
                }
                sb.append('\n');
                for (YamlNode item : s.items()) {
                    sb.append(" ".repeat(indent)).append("- ");
                    if (item instanceof YamlNode.Mapping) {
                        write(sb, item, indent + 2, true, secretNodes);
                    } else if (item instanceof YamlNode.Scalar sc) {
                        sb.append(sc.isNull() ? "null" : secretNodes.contains(sc) ? "<secret>" : scalar(sc.text())).append('\n');
                    } else {
                        write(sb, item, indent + 2, false, secretNodes);
                    }
                }
            }
            case YamlNode.Scalar s -> sb.append(' ').append(s.isNull() ? "null" : s.string() ? scalar(s.text()) : s.text()).append('\n');
        }
    }

    /**
     * The scalar nodes under the dotted {@code paths} of {@code node} (a list on the way applies
     * to each item), by identity: the secrets a plugin declares, to pass to {@link #redacted(YamlNode, Set)}.
     */
    public static Set<YamlNode> scalarsAt(YamlNode node, Set<String> paths) {
        Set<YamlNode> found = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (String path : paths) {
            find(node, path.split("\\."), 0, found);
        }
        return found;
    }

    /** Every non-null scalar under {@code node} (for masking a block whose secret fields are not known). */
    public static Set<YamlNode> scalarsUnder(YamlNode node) {
        Set<YamlNode> found = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        collect(node, found);
        return found;
    }

    private static void collect(YamlNode node, Set<YamlNode> found) {
        switch (node) {
            case YamlNode.Sequence s -> s.items().forEach(item -> collect(item, found));
            case YamlNode.Mapping m -> m.entries().values().forEach(entry -> collect(entry.value(), found));
            case YamlNode.Scalar s -> {
                if (!s.isNull()) {
                    found.add(s);
                }
            }
        }
    }

    private static void find(YamlNode node, String[] parts, int index, Set<YamlNode> found) {
        switch (node) {
            case YamlNode.Sequence s -> {
                for (YamlNode item : s.items()) {
                    find(item, parts, index, found);
                }
            }
            case YamlNode.Mapping m -> {
                if (index == parts.length) {
                    return;
                }
                YamlNode child = m.get(parts[index]);
                if (child != null) {
                    find(child, parts, index + 1, found);
                }
            }
            case YamlNode.Scalar s -> {
                if (index == parts.length && !s.isNull()) {
                    found.add(s);
                }
            }
        }
    }

    private static void scalars(YamlNode node, Set<YamlNode> into) {
        switch (node) {
            case YamlNode.Scalar s -> into.add(s);
            case YamlNode.Sequence s -> s.items().forEach(item -> scalars(item, into));
            case YamlNode.Mapping m -> m.entries().values().forEach(entry -> scalars(entry.value(), into));
        }
    }

    private static String scalar(String text) {
        if (text.isEmpty() || !text.matches("[A-Za-z0-9_./:@*+\\-]+") || text.matches("(?i)true|false|yes|no|on|off|null|~|[0-9.eE+\\-]+")) {
            return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
        }
        return text;
    }
}
