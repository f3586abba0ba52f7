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
    private final YamlReader reader = new YamlReader();

    public ConfigLoader(PluginKeys pluginKeys) {
        this.pluginKeys = Objects.requireNonNull(pluginKeys, "pluginKeys is null");
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
        return new ConfigMapper(pluginKeys, reader, file).map(root);
    }
}
