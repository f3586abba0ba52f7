package io.promethium.tsdb.tool;

import io.promethium.api.config.Durations;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * are read (their keys checked) and skipped, as promtool does. Unknown keys, a missing name or
 * expression, a bad name or duration are errors as {@code FILE:LINE:COL: what}. The expressions
 * are checked by the server that evaluates them (a plugin may not import the kernel's PromQL
 * parser); its parse error names the rule.
 */
final class RuleFiles {
    private static final Set<String> FILE_KEYS = Set.of("groups");
    private static final Set<String> GROUP_KEYS = Set.of("name", "interval", "limit", "query_offset", "labels", "rules");
    private static final Set<String> RULE_KEYS = Set.of("record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations");

    /** A recording rule: its name, expression and labels (the group's under the rule's own). */
    record Rule(String record, String expr, Labels labels) {
    }

    /** A group: its file (as given), name, interval, limit (0: none), query offset and recording rules. */
    record Group(String file, String name, Duration interval, int limit, Duration queryOffset, List<Rule> rules, int alerts) {
    }

    private RuleFiles() {
    }

    static List<Group> read(Path file, Duration defaultInterval) throws IOException {
        Node root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new LoaderOptions()).compose(r);
        } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
            throw new IllegalArgumentException(file + ":" + (e.getProblemMark().getLine() + 1) + ":" + (e.getProblemMark().getColumn() + 1)
                    + ": " + e.getProblem());
        }
        List<Group> groups = new ArrayList<>();
        if (root == null) {
            return groups;
        }
        String f = file.toString();
        MappingNode top = mapping(f, root, "the file");
        checkKeys(f, top, FILE_KEYS, "the file");
        Node list = get(top, "groups");
        if (list == null) {
            return groups;
        }
        if (!(list instanceof SequenceNode seq)) {
            throw error(f, list, "groups must be a list");
        }
        Set<String> names = new HashSet<>();
        for (Node g : seq.getValue()) {
            MappingNode m = mapping(f, g, "a group");
            checkKeys(f, m, GROUP_KEYS, "a group");
            String name = scalar(f, get(m, "name"), "group name");
            if (name == null || name.isEmpty()) {
                throw error(f, g, "groupname must not be empty");
            }
            if (!names.add(name)) {
                throw error(f, g, "groupname: \"" + name + "\" is repeated in the same file");
            }
            String where = "group \"" + name + "\"";
            Duration interval = duration(f, get(m, "interval"), where + ": interval", defaultInterval);
            if (interval.isZero() || interval.isNegative()) {
                throw error(f, get(m, "interval"), where + ": interval must be positive");
            }
            Duration offset = duration(f, get(m, "query_offset"), where + ": query_offset", Duration.ZERO);
            int limit = 0;
            String lim = scalar(f, get(m, "limit"), where + ": limit");
            if (lim != null) {
                try {
                    limit = Integer.parseInt(lim);
                } catch (NumberFormatException e) {
                    throw error(f, get(m, "limit"), where + ": limit must be an integer, found \"" + lim + "\"");
                }
                if (limit < 0) {
                    throw error(f, get(m, "limit"), where + ": limit must not be negative");
                }
            }
            Labels groupLabels = labels(f, get(m, "labels"), where);
            List<Rule> rules = new ArrayList<>();
            int alerts = 0;
            Node rs = get(m, "rules");
            if (rs != null && !(rs instanceof SequenceNode)) {
                throw error(f, rs, where + ": rules must be a list");
            }
            int n = 0;
            for (Node rn : rs == null ? List.<Node>of() : ((SequenceNode) rs).getValue()) {
                n++;
                String rw = where + ", rule " + n;
                MappingNode r = mapping(f, rn, rw);
                checkKeys(f, r, RULE_KEYS, rw);
                String record = scalar(f, get(r, "record"), rw + ": record");
                String alert = scalar(f, get(r, "alert"), rw + ": alert");
                String expr = scalar(f, get(r, "expr"), rw + ": expr");
                if ((record == null) == (alert == null)) {
                    throw error(f, rn, rw + ": one of 'record' or 'alert' must be set");
                }
                if (expr == null || expr.isBlank()) {
                    throw error(f, rn, rw + ": field 'expr' must be set in rule");
                }
                Labels ruleLabels = labels(f, get(r, "labels"), rw);
                if (alert != null) {
                    alerts++;
                    continue;
                }
                rw += ", \"" + record + "\"";
                if (!validMetricName(record)) {
                    throw error(f, get(r, "record"), rw + ": invalid recording rule name: " + record);
                }
                for (String k : List.of("for", "keep_firing_for", "annotations")) {
                    if (get(r, k) != null) {
                        throw error(f, get(r, k), rw + ": invalid field '" + k + "' in recording rule");
                    }
                }
                Labels.Builder b = groupLabels.toBuilder();
                ruleLabels.forEach(b::set);
                rules.add(new Rule(record, expr, b.build()));
            }
            groups.add(new Group(f, name, interval, limit, offset, List.copyOf(rules), alerts));
        }
        return groups;
    }

    /** Prometheus 3 validates names as UTF-8 by default: any non-empty valid text. */
    private static boolean validMetricName(String name) {
        return !name.isEmpty() && name.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF);
    }

    private static Labels labels(String f, Node n, String where) {
        if (n == null || n instanceof ScalarNode s && s.getTag().getValue().endsWith(":null")) {
            return Labels.EMPTY;
        }
        MappingNode m = mapping(f, n, where + ": labels");
        Labels.Builder b = Labels.builder();
        for (NodeTuple t : m.getValue()) {
            String k = scalar(f, t.getKeyNode(), where + ": label name");
            String v = scalar(f, t.getValueNode(), where + ": label " + k);
            if (k == null || k.isEmpty() || k.equals(Labels.METRIC_NAME)) {
                throw error(f, t.getKeyNode(), where + ": invalid label name: \"" + k + "\"");
            }
            b.set(k, v == null ? "" : v);
        }
        return b.build();
    }

    private static Duration duration(String f, Node n, String where, Duration dflt) {
        String s = scalar(f, n, where);
        if (s == null) {
            return dflt;
        }
        try {
            return Durations.parse(s);
        } catch (IllegalArgumentException e) {
            throw error(f, n, where + ": " + e.getMessage());
        }
    }

    private static MappingNode mapping(String f, Node n, String what) {
        if (n instanceof MappingNode m) {
            return m;
        }
        throw error(f, n, what + " must be a mapping");
    }

    private static String scalar(String f, Node n, String what) {
        if (n == null) {
            return null;
        }
        if (!(n instanceof ScalarNode s)) {
            throw error(f, n, what + " must be a scalar");
        }
        return s.getTag().getValue().endsWith(":null") ? null : s.getValue();
    }

    private static Node get(MappingNode m, String key) {
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private static void checkKeys(String f, MappingNode m, Set<String> allowed, String where) {
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : m.getValue()) {
            String k = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            if (k == null || !allowed.contains(k)) {
                throw error(f, t.getKeyNode(), where + ": field " + k + " not found in type");
            }
            if (!seen.add(k)) {
                throw error(f, t.getKeyNode(), where + ": mapping key \"" + k + "\" already defined");
            }
        }
    }

    private static IllegalArgumentException error(String f, Node n, String what) {
        return new IllegalArgumentException(f + ":" + (n.getStartMark().getLine() + 1) + ":" + (n.getStartMark().getColumn() + 1) + ": " + what);
    }
}
