package io.promethium.alertmanager.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A validated {@code alertmanager.yml}.
 *
 * @param globals the {@code global} block with Alertmanager's defaults filled in, as plain values
 * @param templateFiles the files the {@code templates:} globs matched, in order
 * @param timeIntervals {@code time_intervals} and the deprecated {@code mute_time_intervals}, by name
 * @param source the file's text (for the config hash); never shown, it holds secrets
 * @param shown the config as YAML with every secret as {@code <secret>}, as Alertmanager shows it
 *        (its Secret and SecretURL fields, each notifier plugin's declared secret fields, the
 *        secrets of {@code http_config})
 * @param eventRecorder the {@code event_recorder} block ({@link EventRecorderConfig#NONE} when absent)
 * @param tracing the {@code tracing:} section (Alertmanager 0.34), or null: no spans are sent
 */
public record AlertmanagerConfig(Path file, Duration resolveTimeout, Map<String, Object> globals, RouteConfig route,
                                 List<InhibitRule> inhibitRules, List<ReceiverConfig> receivers, List<String> templates,
                                 List<Path> templateFiles, Map<String, TimeIntervals> timeIntervals, String source,
                                 String shown, EventRecorderConfig eventRecorder,
                                 io.promethium.tracing.TracingSettings tracing) {
    public AlertmanagerConfig {
        eventRecorder = eventRecorder == null ? EventRecorderConfig.NONE : eventRecorder;
        Objects.requireNonNull(route, "route is null");
        globals = Map.copyOf(globals);
        inhibitRules = List.copyOf(inhibitRules);
        receivers = List.copyOf(receivers);
        templates = List.copyOf(templates);
        templateFiles = List.copyOf(templateFiles);
        timeIntervals = Map.copyOf(timeIntervals);
    }

    /** A config without an {@code event_recorder} block and without tracing. */
    public AlertmanagerConfig(Path file, Duration resolveTimeout, Map<String, Object> globals, RouteConfig route,
                              List<InhibitRule> inhibitRules, List<ReceiverConfig> receivers, List<String> templates,
                              List<Path> templateFiles, Map<String, TimeIntervals> timeIntervals, String source, String shown) {
        this(file, resolveTimeout, globals, route, inhibitRules, receivers, templates, templateFiles, timeIntervals, source, shown,
                EventRecorderConfig.NONE, null);
    }

    public ReceiverConfig receiver(String name) {
        for (ReceiverConfig r : receivers) {
            if (r.name().equals(name)) {
                return r;
            }
        }
        return null;
    }
}
