package io.promethium.tsdb.tool;

import io.promethium.api.config.Durations;
import io.promethium.api.model.Labels;
import io.promethium.goformat.GoStrings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The recording rules of Prometheus rule files, for {@code create-blocks-from rules}: groups with
 * their {@code interval}, {@code limit}, {@code query_offset} and {@code labels}; alerting rules
 * are read (their keys checked) and skipped. A file is refused with the first error promtool 3's
 * {@code rulefmt.ParseFile} gives for it, in its words: first what decoding finds (unknown or
 * repeated keys and values of the wrong type, all of them, as yaml.v3's {@code unmarshal errors};
 * a bad duration alone), then what {@code Validate} finds, group by group and rule by rule
 * ({@code FILE: LINE:COL: group "g", rule 1, "name": what}, at the {@code record} value's
 * position). The expressions are checked by the server that evaluates them (a plugin may not
 * import the kernel's PromQL parser); its parse error names the rule.
 */
final class RuleFiles {
    private static final Map<String, String> GROUP_KEYS = Map.of("name", "string", "interval", "duration", "limit", "int",
            "query_offset", "duration", "labels", "map", "rules", "rules");
    private static final Map<String, String> RULE_KEYS = Map.of("record", "string", "alert", "string", "expr", "string",
            "for", "duration", "keep_firing_for", "duration", "labels", "map", "annotations", "map");

    /** A recording rule: its position in its group (from 0, alerting rules counted), name, expression and labels (the group's under the rule's own). */
    record Rule(int index, String record, String expr, Labels labels) {
    }

    /** A group: its file (as given), name, interval, limit (0: none), query offset and recording rules. */
    record Group(String file, String name, Duration interval, int limit, Duration queryOffset, List<Rule> rules, int alerts) {
    }

    private RuleFiles() {
    }

    static List<Group> read(Path file, Duration defaultInterval) throws IOException {
        String f = file.toString();
        Node root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new LoaderOptions()).compose(r);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(f + ": open " + f + ": no such file or directory");
        } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
            throw new IllegalArgumentException(f + ": yaml: line " + (e.getProblemMark().getLine() + 1) + ": " + e.getProblem());
        }
        List<Group> groups = new ArrayList<>();
        if (root == null) {
            return groups;
        }
        decode(f, root);
        MappingNode top = (MappingNode) root;
        Node list = get(top, "groups");
        if (!(list instanceof SequenceNode seq)) {
            return groups;
        }
        Set<String> names = new HashSet<>();
        for (Node g : seq.getValue()) {
            MappingNode m = (MappingNode) g;
            String name = text(get(m, "name"));
            if (name.isEmpty()) {
                throw error(f, at(g) + "Groupname must not be empty");
            }
            if (!names.add(name)) {
                throw error(f, at(g) + "groupname: \"" + name + "\" is repeated in the same file");
            }
            Labels groupLabels = labels(f, get(m, "labels"), "");
            Duration interval = duration(get(m, "interval"));
            if (interval.isZero()) {
                interval = defaultInterval;
            }
            Duration offset = duration(get(m, "query_offset"));
            String lim = text(get(m, "limit"));
            int limit = lim.isEmpty() ? 0 : Math.max(0, Integer.parseInt(lim));
            List<Rule> rules = new ArrayList<>();
            int alerts = 0;
            int n = 0;
            for (Node rn : get(m, "rules") instanceof SequenceNode rs ? rs.getValue() : List.<Node>of()) {
                MappingNode r = (MappingNode) rn;
                n++;
                String record = text(get(r, "record"));
                String alert = text(get(r, "alert"));
                String where = "group " + GoStrings.quote(name) + ", rule " + n + ", " + GoStrings.quote(alert.isEmpty() ? record : alert) + ": ";
                validate(f, r, where);
                Labels ruleLabels = labels(f, get(r, "labels"), where);
                if (!alert.isEmpty()) {
                    alerts++;
                    continue;
                }
                Labels.Builder b = groupLabels.toBuilder();
                ruleLabels.forEach(b::set);
                rules.add(new Rule(n - 1, record, text(get(r, "expr")), b.build()));
            }
            groups.add(new Group(f, name, interval, limit, offset, List.copyOf(rules), alerts));
        }
        return groups;
    }

    /** rulefmt's {@code Rule.Validate}, in its order; the first error is thrown. */
    private static void validate(String f, MappingNode r, String where) {
        Node recordNode = get(r, "record");
        Node alertNode = get(r, "alert");
        String record = text(recordNode);
        String alert = text(alertNode);
        if (!record.isEmpty() && !alert.isEmpty()) {
            throw error(f, at(recordNode) + at(alertNode) + where + "only one of 'record' and 'alert' must be set");
        }
        if (record.isEmpty() && alert.isEmpty()) {
            throw error(f, at(recordNode) + at(alertNode) + where + "one of 'record' or 'alert' must be set");
        }
        if (text(get(r, "expr")).isEmpty()) {
            throw error(f, at(get(r, "expr")) + where + "field 'expr' must be set in rule");
        }
        if (record.isEmpty()) {
            return;
        }
        Node annotations = get(r, "annotations");
        if (annotations instanceof MappingNode a && !a.getValue().isEmpty()) {
            throw error(f, at(recordNode) + where + "invalid field 'annotations' in recording rule");
        }
        for (String k : List.of("for", "keep_firing_for")) {
            if (!duration(get(r, k)).isZero()) {
                throw error(f, at(recordNode) + where + "invalid field '" + k + "' in recording rule");
            }
        }
        // Prometheus 3 validates names as UTF-8: any valid text is a metric name.
        if (record.codePoints().anyMatch(c -> c >= 0xD800 && c <= 0xDFFF)) {
            throw error(f, at(recordNode) + where + "invalid recording rule name: " + record);
        }
        if (record.contains("{") || record.contains("}")) {
            throw error(f, at(recordNode) + where + "braces present in the recording rule name; should it be in expr?: " + record);
        }
    }

    /** A labels map (decoded already); {@code __name__} or an empty name is refused as rulefmt refuses it, without a position. */
    private static Labels labels(String f, Node n, String where) {
        if (!(n instanceof MappingNode m)) {
            return Labels.EMPTY;
        }
        Labels.Builder b = Labels.builder();
        for (NodeTuple t : m.getValue()) {
            String k = text(t.getKeyNode());
            if (k.isEmpty() || k.equals(Labels.METRIC_NAME)) {
                throw error(f, where + "invalid label name: " + k);
            }
            b.set(k, text(t.getValueNode()));
        }
        return b.build();
    }

    /**
     * yaml.v3's decoding of the file into {@code rulefmt.RuleGroups} with known fields only:
     * every unknown or repeated key and every value of the wrong type, in document order, as one
     * {@code unmarshal errors} message; a value that is no duration stops decoding with its own
     * error, as {@code model.Duration}'s unmarshaller does.
     */
    private static void decode(String f, Node root) {
        List<String> errors = new ArrayList<>();
        if (!(root instanceof MappingNode top)) {
            errors.add(typeError(root, "rulefmt.RuleGroups"));
        } else {
            keys(top, Map.of("groups", "groups"), "rulefmt.RuleGroups", errors);
            Node list = get(top, "groups");
            if (list != null && !isNull(list)) {
                if (!(list instanceof SequenceNode seq)) {
                    errors.add(typeError(list, "[]rulefmt.RuleGroup"));
                } else {
                    for (Node g : seq.getValue()) {
                        if (!(g instanceof MappingNode m)) {
                            errors.add(typeError(g, "rulefmt.RuleGroup"));
                            continue;
                        }
                        values(f, m, GROUP_KEYS, "rulefmt.RuleGroup", errors);
                        Node rules = get(m, "rules");
                        if (rules instanceof SequenceNode rs) {
                            for (Node r : rs.getValue()) {
                                if (r instanceof MappingNode rm) {
                                    values(f, rm, RULE_KEYS, "rulefmt.Rule", errors);
                                } else {
                                    errors.add(typeError(r, "rulefmt.Rule"));
                                }
                            }
                        }
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw error(f, "yaml: unmarshal errors:\n  " + String.join("\n  ", errors));
        }
    }

    /** The keys of a mapping decoded into a struct {@code type}, then each known value by its kind. */
    private static void values(String f, MappingNode m, Map<String, String> kinds, String type, List<String> errors) {
        keys(m, kinds, type, errors);
        for (NodeTuple t : m.getValue()) {
            String kind = kinds.get(text(t.getKeyNode()));
            Node v = t.getValueNode();
            if (kind == null || isNull(v)) {
                continue;
            }
            switch (kind) {
                case "string" -> {
                    if (!(v instanceof ScalarNode)) {
                        errors.add(typeError(v, "string"));
                    }
                }
                case "duration" -> {
                    if (!(v instanceof ScalarNode)) {
                        errors.add(typeError(v, "string"));
                    } else if (!isDuration(text(v))) {
                        throw error(f, "not a valid duration string: " + GoStrings.quote(text(v)));
                    }
                }
                case "int" -> {
                    if (!(v instanceof ScalarNode) || !text(v).matches("[-+]?[0-9]+")) {
                        errors.add(typeError(v, "int"));
                    }
                }
                case "map" -> {
                    if (!(v instanceof MappingNode mm)) {
                        errors.add(typeError(v, "map[string]string"));
                    } else {
                        keys(mm, null, null, errors);
                        for (NodeTuple e : mm.getValue()) {
                            if (!(e.getValueNode() instanceof ScalarNode)) {
                                errors.add(typeError(e.getValueNode(), "string"));
                            }
                        }
                    }
                }
                case "rules" -> {
                    if (!(v instanceof SequenceNode)) {
                        errors.add(typeError(v, "[]rulefmt.Rule"));
                    }
                }
                default -> throw new IllegalStateException(kind);
            }
        }
    }

    /** Unknown keys of a struct (when {@code kinds} is given) and keys defined twice, as yaml.v3 words them. */
    private static void keys(MappingNode m, Map<String, String> kinds, String type, List<String> errors) {
        Map<String, Integer> seen = new HashMap<>();
        for (NodeTuple t : m.getValue()) {
            String k = text(t.getKeyNode());
            int line = t.getKeyNode().getStartMark().getLine() + 1;
            Integer first = seen.putIfAbsent(k, line);
            if (first != null) {
                errors.add("line " + line + ": mapping key " + GoStrings.quote(k) + " already defined at line " + first);
            } else if (kinds != null && !kinds.containsKey(k)) {
                errors.add("line " + line + ": field " + k + " not found in type " + type);
            }
        }
    }

    /** yaml.v3's {@code cannot unmarshal} line: a scalar's tag and value (cut at 10 characters), else the node's tag. */
    private static String typeError(Node n, String type) {
        String tag = switch (n) {
            case MappingNode m -> "!!map";
            case SequenceNode s -> "!!seq";
            default -> "!!" + n.getTag().getValue().substring(n.getTag().getValue().lastIndexOf(':') + 1);
        };
        String value = "";
        if (n instanceof ScalarNode s) {
            String v = s.getValue();
            value = " `" + (v.length() > 10 ? v.substring(0, 7) + "..." : v) + "`";
        }
        return "line " + (n.getStartMark().getLine() + 1) + ": cannot unmarshal " + tag + value + " into " + type;
    }

    private static boolean isDuration(String s) {
        try {
            Durations.parse(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A decoded duration; zero when absent. */
    private static Duration duration(Node n) {
        String s = text(n);
        return s.isEmpty() ? Duration.ZERO : Durations.parse(s);
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
    }

    /** A scalar's text, empty when absent or null (Go's zero value). */
    private static String text(Node n) {
        return n instanceof ScalarNode s && !isNull(n) ? s.getValue() : "";
    }

    /** A yaml.v3 node's {@code LINE:COL: } (1-based), {@code 0:0: } for an absent node (Go's zero {@code yaml.Node}). */
    private static String at(Node n) {
        return n == null ? "0:0: " : (n.getStartMark().getLine() + 1) + ":" + (n.getStartMark().getColumn() + 1) + ": ";
    }

    private static Node get(MappingNode m, String key) {
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    /** rulefmt.ParseFile's error: the file, then what went wrong. */
    private static IllegalArgumentException error(String f, String what) {
        return new IllegalArgumentException(f + ": " + what);
    }
}
