package io.promethium.config;

import io.promethium.api.config.ConfigException;
import io.promethium.config.internal.ConfigMapper;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.yaml.YamlNode;
import io.promethium.config.yaml.YamlReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads and validates {@code prometheus.yml}. Unknown keys, wrong types and invalid values are
 * errors naming the key, file, line and column; a key ending in {@code _sd_configs} is valid only
 * when a plugin owns it.
 */
public final class ConfigLoader {

    private final PluginKeys pluginKeys;
    private final boolean agentMode;
    private final YamlReader reader = new YamlReader();

    public ConfigLoader(PluginKeys pluginKeys) {
        this(pluginKeys, false);
    }

    /**
     * A loader for agent mode ({@code --agent}) when {@code agentMode}: as Prometheus's agent,
     * {@code rule_files}, {@code alerting} and {@code remote_read} are refused and at least one
     * {@code remote_write} is required.
     */
    public ConfigLoader(PluginKeys pluginKeys, boolean agentMode) {
        this.pluginKeys = Objects.requireNonNull(pluginKeys, "pluginKeys is null");
        this.agentMode = agentMode;
    }

    /** Loads a config file. */
    public PrometheusConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(file, text);
    }

    /** Parses config text; {@code file} names it in errors and anchors relative paths. */
    public PrometheusConfig parse(Path file, String text) throws ConfigException {
        YamlNode root = reader.read(file.toString(), text);
        PrometheusConfig config = new ConfigMapper(pluginKeys, reader, file).map(root);
        if (agentMode) {
            checkAgentMode(file, config);
        }
        return config;
    }

    private static void checkAgentMode(Path file, PrometheusConfig config) throws ConfigException {
        if (!config.ruleFiles().isEmpty()) {
            throw new ConfigException(file + ": field rule_files is not allowed in agent mode");
        }
        if (!config.alerting().alertmanagers().isEmpty() || !config.alerting().alertRelabelConfigs().isEmpty()) {
            throw new ConfigException(file + ": field alerting is not allowed in agent mode");
        }
        if (!config.sections().entries("remote_read").isEmpty()) {
            throw new ConfigException(file + ": field remote_read is not allowed in agent mode");
        }
        if (config.sections().entries("remote_write").isEmpty()) {
            throw new ConfigException(file + ": at least one remote_write target must be specified in agent mode");
        }
    }
}
