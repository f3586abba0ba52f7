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
 */
public record AlertmanagerConfig(Path file, Duration resolveTimeout, Map<String, Object> globals, RouteConfig route,
                                 List<InhibitRule> inhibitRules, List<ReceiverConfig> receivers, List<String> templates,
                                 List<Path> templateFiles, Map<String, TimeIntervals> timeIntervals, String source,
                                 String shown) {
    public AlertmanagerConfig {
        Objects.requireNonNull(route, "route is null");
        globals = Map.copyOf(globals);
        inhibitRules = List.copyOf(inhibitRules);
        receivers = List.copyOf(receivers);
        templates = List.copyOf(templates);
        templateFiles = List.copyOf(templateFiles);
        timeIntervals = Map.copyOf(timeIntervals);
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
