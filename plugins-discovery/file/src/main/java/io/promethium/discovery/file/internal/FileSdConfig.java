package io.promethium.discovery.file.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One validated {@code file_sd_configs} block.
 *
 * @param files patterns as written; {@code *} may appear in the last path element only
 * @param refreshInterval how often files are re-read even without a change event
 */
record FileSdConfig(List<String> files, Duration refreshInterval) {

    static final Duration DEFAULT_REFRESH = Duration.ofMinutes(5);

    /** Prometheus's rule: globs only in the file name, and one of the known extensions. */
    private static final Pattern FILE_PATTERN = Pattern.compile("^[^*]*(\\*[^/]*)?\\.(json|yml|yaml|JSON|YML|YAML)$");

    FileSdConfig {
        files = List.copyOf(files);
        Objects.requireNonNull(refreshInterval, "refreshInterval is null");
    }

    static FileSdConfig parse(PluginConfig config) throws ConfigException {
        config.requireOnly(Set.of("files", "refresh_interval"));
        if (config.values().containsKey("files") && !(config.values().get("files") instanceof List)) {
            throw config.error("files", "files: expected a list of file patterns");
        }
        List<String> files = config.strings("files");
        if (files.isEmpty()) {
            throw config.error("file service discovery config must contain at least one path name (files is required in " + config.key() + ")");
        }
        for (String file : files) {
            if (!FILE_PATTERN.matcher(file).matches()) {
                throw config.error("files", "files: path name \"" + file + "\" is not valid for file discovery"
                        + " (a '*' is allowed in the last path element only, and the name must end in .json, .yml or .yaml)");
            }
        }
        Duration refresh = config.duration("refresh_interval", DEFAULT_REFRESH);
        if (refresh.isZero() || refresh.isNegative()) {
            throw config.error("refresh_interval must be greater than 0, got " + config.values().get("refresh_interval"));
        }
        return new FileSdConfig(files, refresh);
    }
}
