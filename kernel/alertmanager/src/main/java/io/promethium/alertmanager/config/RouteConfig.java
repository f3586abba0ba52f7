package io.promethium.alertmanager.config;

import io.promethium.api.model.Matcher;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One node of the routing tree as written; {@code null} fields inherit from the parent.
 *
 * @param groupBy null when not set; {@code ["..."]} groups by all labels
 * @param labels the route's {@code labels} (templates), merged over its parent's once defaults
 *     are applied, as Alertmanager's route labels are inherited
 */
public record RouteConfig(String receiver, List<String> groupBy, Duration groupWait, Duration groupInterval,
                          Duration repeatInterval, List<Matcher> matchers, boolean continueMatching,
                          List<String> muteTimeIntervals, List<String> activeTimeIntervals, List<RouteConfig> routes,
                          String location, Map<String, String> labels) {

    /** A route without labels. */
    public RouteConfig(String receiver, List<String> groupBy, Duration groupWait, Duration groupInterval,
                       Duration repeatInterval, List<Matcher> matchers, boolean continueMatching,
                       List<String> muteTimeIntervals, List<String> activeTimeIntervals, List<RouteConfig> routes,
                       String location) {
        this(receiver, groupBy, groupWait, groupInterval, repeatInterval, matchers, continueMatching, muteTimeIntervals,
                activeTimeIntervals, routes, location, Map.of());
    }

    public RouteConfig {
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
        groupBy = groupBy == null ? null : List.copyOf(groupBy);
        matchers = List.copyOf(matchers);
        muteTimeIntervals = List.copyOf(muteTimeIntervals);
        activeTimeIntervals = List.copyOf(activeTimeIntervals);
        routes = List.copyOf(routes);
    }
}
