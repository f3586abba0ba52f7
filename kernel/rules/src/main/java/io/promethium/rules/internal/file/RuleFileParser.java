package io.promethium.rules.internal.file;

import io.promethium.config.model.MetricNameScheme;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.Durations;
import io.promethium.api.model.Labels;
import io.promethium.config.yaml.Location;
import io.promethium.config.yaml.YamlNode;
import io.promethium.config.yaml.YamlReader;
import io.promethium.promql.ast.Expr;
import io.promethium.promql.parser.ParseException;
import io.promethium.promql.parser.ParserOptions;
import io.promethium.promql.parser.PromQLParser;
import io.promethium.rules.RuleType;
import io.promethium.rules.internal.template.Expander;
import io.promethium.templates.TemplateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads rule files in Prometheus's format and validates them as promtool does. Every problem is
 * collected (not just the first), each as {@code file:line:col: group "g", rule N, "name": what}.
 * Unknown keys are errors. Thread-safe.
 */
public final class RuleFileParser {

    private static final Set<String> FILE_KEYS = Set.of("groups");
    private static final Set<String> GROUP_KEYS = Set.of("name", "interval", "limit", "query_offset", "labels", "rules");
    private static final Set<String> RULE_KEYS = Set.of("record", "alert", "expr", "for", "keep_firing_for", "labels",
            "annotations");
    private final YamlReader yaml = new YamlReader();
    private final MetricNameScheme.Validation names;
    private final boolean ignoreUnknownFields;
    private final PromQLParser promql;

    /** A parser under UTF-8 name validation, Prometheus 3's default (and promtool's). */
    public RuleFileParser() {
        this(MetricNameScheme.Validation.UTF8);
    }

    /**
     * A parser checking recording rule names and label/annotation names under {@code names}
     * (the global {@code metric_name_validation_scheme}), as Prometheus 3's {@code rulefmt}.
     */
    public RuleFileParser(MetricNameScheme.Validation names) {
        this(names, false);
    }

    /**
     * A parser that, when {@code ignoreUnknownFields}, accepts keys it does not know at every level
     * (promtool's {@code --ignore-unknown-fields}, for rule files extended with custom metadata).
     */
    public RuleFileParser(MetricNameScheme.Validation names, boolean ignoreUnknownFields) {
        this(names, ignoreUnknownFields, ParserOptions.ALL);
    }

    /**
     * A parser whose expressions may use only the experimental PromQL syntax {@code promql}
     * allows: promtool parses rule files with the parser its {@code --enable-feature} sets up, so
     * an experimental function is refused without {@code promql-experimental-functions}.
     */
    public RuleFileParser(MetricNameScheme.Validation names, boolean ignoreUnknownFields, ParserOptions promql) {
        this.names = java.util.Objects.requireNonNull(names, "names is null");
        this.ignoreUnknownFields = ignoreUnknownFields;
        this.promql = new PromQLParser(java.util.Objects.requireNonNull(promql, "promql is null"));
    }

    /** Reads and validates one file. */
    public List<GroupDef> parseFile(Path file) throws RuleFileException {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new RuleFileException(List.of(file + ": not valid UTF-8"));
        } catch (IOException e) {
            throw new RuleFileException(List.of(file + ": cannot read: " + e.getMessage()));
        }
        return parse(file.toString(), text);
    }

    /** Reads and validates every file, collecting the errors of all of them. */
    public List<GroupDef> parseFiles(List<Path> files) throws RuleFileException {
        List<GroupDef> groups = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Path file : files) {
            try {
                groups.addAll(parseFile(file));
            } catch (RuleFileException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) {
            throw new RuleFileException(errors);
        }
        return groups;
    }

    /** Validates the text of a rule file named {@code file}. */
    public List<GroupDef> parse(String file, String text) throws RuleFileException {
        YamlNode root;
        try {
            root = yaml.read(file, text);
        } catch (ConfigException e) {
            throw new RuleFileException(List.of(e.getMessage()));
        }
        List<String> errors = new ArrayList<>();
        List<GroupDef> groups = new ArrayList<>();
        if (!(root instanceof YamlNode.Mapping top)) {
            throw new RuleFileException(List.of(root.location() + ": a rule file must be a mapping with \"groups\", found "
                    + YamlNode.kind(root)));
        }
        unknownKeys(top, FILE_KEYS, "", "rule file", errors);
        YamlNode groupsNode = top.get("groups");
        if (groupsNode == null || isNull(groupsNode)) {
            if (!errors.isEmpty()) {
                throw new RuleFileException(errors);
            }
            return List.of();
        }
        if (!(groupsNode instanceof YamlNode.Sequence seq)) {
            throw new RuleFileException(List.of(groupsNode.location() + ": \"groups\" must be a list, found "
                    + YamlNode.kind(groupsNode)));
        }
        Map<String, Integer> seen = new HashMap<>();
        for (YamlNode g : seq.items()) {
            GroupDef group = group(file, g, seen, errors);
            if (group != null) {
                groups.add(group);
            }
        }
        if (!errors.isEmpty()) {
            throw new RuleFileException(errors);
        }
        return groups;
    }

    private GroupDef group(String file, YamlNode node, Map<String, Integer> seen, List<String> errors) {
        if (!(node instanceof YamlNode.Mapping m)) {
            errors.add(node.location() + ": a group must be a mapping, found " + YamlNode.kind(node));
            return null;
        }
        int before = errors.size();
        unknownKeys(m, GROUP_KEYS, "group \"" + string(m, "name", "", new ArrayList<>()) + "\"", "rule group", errors);
        String name = string(m, "name", "", errors);
        if (name.isEmpty()) {
            errors.add(m.location() + ": group name must not be empty");
        } else if (seen.containsKey(name)) {
            errors.add(m.location() + ": group name \"" + name + "\" is repeated in the same file (first at line "
                    + seen.get(name) + ")");
        } else {
            seen.put(name, m.location().line());
        }
        String where = "group \"" + name + "\"";
        Duration interval = duration(m, "interval", where, errors);
        if (interval != null && (interval.isZero() || interval.isNegative())) {
            errors.add(m.get("interval").location() + ": " + where + ": interval must be positive");
        }
        Duration queryOffset = duration(m, "query_offset", where, errors);
        int limit = 0;
        YamlNode limitNode = m.get("limit");
        if (limitNode instanceof YamlNode.Scalar s && !s.isNull()) {
            try {
                limit = Integer.parseInt(s.text());
                if (limit < 0) {
                    errors.add(s.location() + ": " + where + ": limit must not be negative: " + limit);
                }
            } catch (NumberFormatException e) {
                errors.add(s.location() + ": " + where + ": limit must be an integer, found \"" + s.text() + "\"");
            }
        } else if (limitNode != null && !(limitNode instanceof YamlNode.Scalar)) {
            errors.add(limitNode.location() + ": " + where + ": limit must be an integer, found " + YamlNode.kind(limitNode));
        }
        Labels labels = labelMap(m, "labels", where, errors, true);
        List<RuleDef> rules = new ArrayList<>();
        YamlNode rulesNode = m.get("rules");
        if (rulesNode instanceof YamlNode.Sequence rs) {
            int index = 0;
            for (YamlNode r : rs.items()) {
                index++;
                RuleDef rule = rule(r, where, index, errors);
                if (rule != null) {
                    rules.add(rule);
                }
            }
        } else if (rulesNode != null && !isNull(rulesNode)) {
            errors.add(rulesNode.location() + ": " + where + ": \"rules\" must be a list, found " + YamlNode.kind(rulesNode));
        }
        if (errors.size() > before) {
            return null;
        }
        return new GroupDef(file, name, interval, limit, queryOffset, labels, rules);
    }

    private RuleDef rule(YamlNode node, String group, int index, List<String> errors) {
        if (!(node instanceof YamlNode.Mapping m)) {
            errors.add(node.location() + ": " + group + ", rule " + index + ": a rule must be a mapping, found "
                    + YamlNode.kind(node));
            return null;
        }
        int before = errors.size();
        String record = string(m, "record", "", errors);
        String alert = string(m, "alert", "", errors);
        String name = record.isEmpty() ? alert : record;
        String where = group + ", rule " + index + ", \"" + name + "\"";
        unknownKeys(m, RULE_KEYS, where, "rule", errors);
        if (record.isEmpty() && alert.isEmpty()) {
            errors.add(m.location() + ": " + where + ": one of 'record' or 'alert' must be set");
        } else if (!record.isEmpty() && !alert.isEmpty()) {
            errors.add(m.location() + ": " + where + ": only one of 'record' and 'alert' must be set");
        }
        RuleType type = record.isEmpty() ? RuleType.ALERTING : RuleType.RECORDING;
        String expr = string(m, "expr", "", errors);
        Expr parsed = null;
        if (expr.isBlank()) {
            errors.add(m.location() + ": " + where + ": field 'expr' must be set in rule");
        } else {
            try {
                parsed = promql.parse(expr);
            } catch (ParseException e) {
                errors.add(exprLocation(m.get("expr"), e) + ": " + where + ": could not parse expression: " + e.getMessage());
            } catch (RuntimeException e) {
                errors.add(m.get("expr").location() + ": " + where + ": could not parse expression: " + e.getMessage());
            } catch (StackOverflowError e) {
                errors.add(m.get("expr").location() + ": " + where + ": could not parse expression: nested too deeply");
            }
        }
        Duration forDuration = duration(m, "for", where, errors);
        Duration keepFiringFor = duration(m, "keep_firing_for", where, errors);
        if (type == RuleType.RECORDING) {
            if (!names.isValidMetricName(record)) {
                errors.add(m.get("record").location() + ": " + where + ": invalid recording rule name: " + record);
            }
            // Valid UTF-8, but most likely a selector written where the name goes (Prometheus's check).
            if (record.contains("{") || record.contains("}")) {
                errors.add(m.get("record").location() + ": " + where
                        + ": braces present in the recording rule name; should it be in expr?: " + record);
            }
            if (m.get("annotations") != null) {
                errors.add(m.entries().get("annotations").keyLocation() + ": " + where
                        + ": invalid field 'annotations' in recording rule");
            }
            if (m.get("for") != null) {
                errors.add(m.entries().get("for").keyLocation() + ": " + where + ": invalid field 'for' in recording rule");
            }
            if (m.get("keep_firing_for") != null) {
                errors.add(m.entries().get("keep_firing_for").keyLocation() + ": " + where
                        + ": invalid field 'keep_firing_for' in recording rule");
            }
        }
        Labels labels = labelMap(m, "labels", where, errors, true);
        Labels annotations = labelMap(m, "annotations", where, errors, false);
        if (type == RuleType.ALERTING && !alert.isEmpty()) {
            templates(m, "labels", labels, alert, where, errors);
            templates(m, "annotations", annotations, alert, where, errors);
        }
        if (errors.size() > before) {
            return null;
        }
        return new RuleDef(type, name, expr, parsed, forDuration == null ? Duration.ZERO : forDuration,
                keepFiringFor == null ? Duration.ZERO : keepFiringFor, labels, annotations, m.location().line());
    }

    /** Where in the file a PromQL error is: the expression's own position added to the scalar's. */
    private static Location exprLocation(YamlNode exprNode, ParseException e) {
        Location at = exprNode.location();
        if (e.line() == 1) {
            return new Location(at.file(), at.line(), at.column() + e.column() - 1);
        }
        return new Location(at.file(), at.line() + e.line() - 1, e.column());
    }

    private static void templates(YamlNode.Mapping m, String key, Labels values, String alert, String where,
                                  List<String> errors) {
        for (int i = 0; i < values.size(); i++) {
            String text = values.value(i);
            if (!text.contains("{{")) {
                continue;
            }
            try {
                Expander.parse("__alert_" + alert, text);
            } catch (TemplateException e) {
                YamlNode.Mapping map = (YamlNode.Mapping) m.get(key);
                YamlNode.Entry entry = map.entries().get(values.name(i));
                errors.add(entry.value().location() + ": " + where + ": " + key.substring(0, key.length() - 1) + " \""
                        + values.name(i) + "\": " + e.getMessage());
            }
        }
    }

    private void unknownKeys(YamlNode.Mapping m, Set<String> known, String where, String type,
                             List<String> errors) {
        if (ignoreUnknownFields) {
            return;
        }
        for (YamlNode.Entry e : m.entries().values()) {
            if (!known.contains(e.key())) {
                errors.add(e.keyLocation() + ": " + (where.isEmpty() ? "" : where + ": ") + "field \"" + e.key()
                        + "\" not found in " + type + " (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    /** YAML null ({@code ~}, {@code null}) or nothing after the key (the YAML reader gives an empty string). */
    private static boolean isNull(YamlNode node) {
        return node instanceof YamlNode.Scalar s && (s.isNull() || s.text().isEmpty());
    }

    private static String string(YamlNode.Mapping m, String key, String fallback, List<String> errors) {
        YamlNode node = m.get(key);
        if (node == null) {
            return fallback;
        }
        if (node instanceof YamlNode.Scalar s) {
            return s.isNull() ? fallback : s.text();
        }
        errors.add(node.location() + ": \"" + key + "\" must be a string, found " + YamlNode.kind(node));
        return fallback;
    }

    private static Duration duration(YamlNode.Mapping m, String key, String where, List<String> errors) {
        YamlNode node = m.get(key);
        if (node == null || isNull(node)) {
            return null;
        }
        if (!(node instanceof YamlNode.Scalar s)) {
            errors.add(node.location() + ": " + where + ": \"" + key + "\" must be a duration, found " + YamlNode.kind(node));
            return null;
        }
        try {
            Duration d = Durations.parse(s.text());
            if (d.isNegative()) {
                errors.add(s.location() + ": " + where + ": \"" + key + "\" must not be negative");
            }
            return d;
        } catch (RuntimeException e) {
            errors.add(s.location() + ": " + where + ": \"" + key + "\": not a valid duration string: \"" + s.text() + "\"");
            return null;
        }
    }

    private Labels labelMap(YamlNode.Mapping m, String key, String where, List<String> errors, boolean labels) {
        YamlNode node = m.get(key);
        if (node == null || isNull(node)) {
            return Labels.EMPTY;
        }
        if (!(node instanceof YamlNode.Mapping map)) {
            errors.add(node.location() + ": " + where + ": \"" + key + "\" must be a mapping, found " + YamlNode.kind(node));
            return Labels.EMPTY;
        }
        Labels.Builder b = Labels.builder();
        for (YamlNode.Entry e : map.entries().values()) {
            String name = e.key();
            if (!names.isValidLabelName(name) || (labels && name.equals(Labels.METRIC_NAME))) {
                errors.add(e.keyLocation() + ": " + where + ": invalid " + (labels ? "label" : "annotation") + " name: " + name);
                continue;
            }
            if (!(e.value() instanceof YamlNode.Scalar v)) {
                errors.add(e.value().location() + ": " + where + ": value of " + (labels ? "label" : "annotation") + " \""
                        + name + "\" must be a string, found " + YamlNode.kind(e.value()));
                continue;
            }
            b.set(name, v.isNull() ? "" : v.text());
        }
        return b.build();
    }
}
