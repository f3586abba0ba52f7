package io.promethium.templates;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Alertmanager's {@code routeLabelResolver} for one top-level run: a route label's value is a
 * template over the same data, which may call {@code routeLabels} in turn; each label is rendered
 * at most once, and a label that needs itself is "route label cycle detected: a -> b -> a"
 * instead of a stack overflow. Unknown labels are {@code ""}; rendered values are given as they
 * are. Not thread-safe: one run's.
 */
final class RouteLabelResolver {

    private final Template template;
    private final Map<String, String> raw;
    private final boolean rendered;
    private final Object data;
    private final ExecutionContext context;
    private final boolean html;
    private Map<String, String> memo;
    private Set<String> inProgress;
    private final List<String> stack = new ArrayList<>();

    RouteLabelResolver(Template template, Object data, ExecutionContext context, boolean html) {
        this.template = template;
        this.data = data;
        this.context = context;
        this.html = html;
        if (data instanceof RouteLabelSource source) {
            this.raw = source.routeLabels();
            this.rendered = source.routeLabelsRendered();
        } else {
            this.raw = Map.of();
            this.rendered = false;
        }
    }

    String resolve(String name) throws TemplateException {
        String value = raw.get(name);
        if (value == null) {
            return "";
        }
        if (rendered) {
            return value;
        }
        if (memo == null) {
            // Allocated on first use: most runs never call routeLabels.
            memo = new HashMap<>();
            inProgress = new HashSet<>();
        }
        String done = memo.get(name);
        if (done != null) {
            return done;
        }
        if (inProgress.contains(name)) {
            List<String> cycle = new ArrayList<>(stack);
            cycle.add(name);
            throw new TemplateException("route label cycle detected: " + String.join(" -> ", cycle));
        }
        inProgress.add(name);
        stack.add(name);
        try {
            // Alertmanager parses the value as a new template named "" in a clone of the set.
            Template t = value.isEmpty() ? null : Template.parse("", value, template.dialect(), template);
            String out = t == null ? "" : t.run(data, context, html, this);
            memo.put(name, out);
            return out;
        } finally {
            stack.remove(stack.size() - 1);
            inProgress.remove(name);
        }
    }
}
