package io.promethium.alertmanager.config;

import io.promethium.api.model.Matcher;
import java.time.Duration;
import java.util.List;

/**
 * One node of the routing tree as written; {@code null} fields inherit from the parent.
 *
 * @param groupBy null when not set; {@code ["..."]} groups by all labels
 */
public record RouteConfig(String receiver, List<String> groupBy, Duration groupWait, Duration groupInterval,
                          Duration repeatInterval, List<Matcher> matchers, boolean continueMatching,
                          List<String> muteTimeIntervals, List<String> activeTimeIntervals, List<RouteConfig> routes,
                          String location) {
    public RouteConfig {
        groupBy = groupBy == null ? null : List.copyOf(groupBy);
        matchers = List.copyOf(matchers);
        muteTimeIntervals = List.copyOf(muteTimeIntervals);
        activeTimeIntervals = List.copyOf(activeTimeIntervals);
        routes = List.copyOf(routes);
    }
}
