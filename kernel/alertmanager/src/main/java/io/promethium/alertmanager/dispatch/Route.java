package io.promethium.alertmanager.dispatch;

import io.promethium.alertmanager.config.LabelMatchers;
import io.promethium.alertmanager.config.RouteConfig;
import io.promethium.api.model.Labels;
import java.util.ArrayList;
import java.util.List;

/** A node of the routing tree at run time, with Alertmanager's route key ({@code {}/{severity="page"}}). */
public final class Route {

    private final RouteConfig config;
    private final String key;
    private final List<Route> children;

    public Route(RouteConfig config, Route parent) {
        this.config = config;
        String own = LabelMatchers.format(config.matchers());
        this.key = parent == null ? own : parent.key + "/" + own;
        List<Route> kids = new ArrayList<>();
        for (RouteConfig c : config.routes()) {
            kids.add(new Route(c, this));
        }
        this.children = List.copyOf(kids);
    }

    public RouteConfig config() {
        return config;
    }

    public String key() {
        return key;
    }

    /**
     * The routes an alert goes to: the deepest matching descendants, first match wins among
     * siblings unless it has {@code continue}; this route itself when no child matches.
     */
    public List<Route> match(Labels labels) {
        if (!LabelMatchers.matches(config.matchers(), labels)) {
            return List.of();
        }
        List<Route> all = new ArrayList<>();
        for (Route child : children) {
            List<Route> matched = child.match(labels);
            all.addAll(matched);
            if (!matched.isEmpty() && !child.config.continueMatching()) {
                break;
            }
        }
        if (all.isEmpty()) {
            all.add(this);
        }
        return all;
    }

    /** The labels of an alert that name its group under this route. */
    public Labels groupLabels(Labels labels) {
        List<String> by = config.groupBy();
        if (by.size() == 1 && by.get(0).equals("...")) {
            return labels;
        }
        Labels.Builder b = Labels.builder();
        for (String name : by) {
            String v = labels.get(name);
            if (v != null && !v.isEmpty()) {
                b.set(name, v);
            }
        }
        return b.build();
    }
}
