package io.promethium.templates;

import java.util.Map;

/**
 * Template data that carries Alertmanager's route labels (its {@code template.Data}), which the
 * {@code routeLabels} function reads; for any other data {@code routeLabels} gives {@code ""}.
 */
public interface RouteLabelSource {

    /** The route's labels by name: templates, or already rendered ones. */
    Map<String, String> routeLabels();

    /**
     * Whether {@link #routeLabels} are already rendered (the dispatcher renders them before a
     * notification), so {@code routeLabels} gives them as they are instead of executing them.
     */
    boolean routeLabelsRendered();
}
