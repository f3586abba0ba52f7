package io.promethium.config;

import io.promethium.api.config.ConfigException;
import io.promethium.config.internal.ConfigMapper;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.config.yaml.YamlNode;
import io.promethium.config.yaml.YamlReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
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
     * {@code alerting}, {@code rule_files} and {@code remote_read} are refused. No
     * {@code remote_write} is needed (Prometheus dropped that requirement in 2.41).
     */
    public ConfigLoader(PluginKeys pluginKeys, boolean agentMode) {
        this.pluginKeys = Objects.requireNonNull(pluginKeys, "pluginKeys is null");
        this.agentMode = agentMode;
    }

    /** Loads a config file. */
    public PrometheusConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = decode(file, Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(file, text);
    }

    /**
     * The file as UTF-8 text; invalid bytes are an error at their line and column, as Prometheus
     * refuses label names and values that are not valid UTF-8.
     */
    static String decode(Path file, byte[] bytes) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            // decode() leaves the buffer at the first bad byte.
            int bad = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < bad; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            int column = new String(bytes, lineStart, bad - lineStart, StandardCharsets.UTF_8).length() + 1;
            throw new ConfigException(file + ":" + line + ":" + column + ": invalid UTF-8 (byte 0x"
                    + Integer.toHexString(bytes[bad] & 0xff) + ")");
        }
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

    /** Prometheus's {@code config.LoadFile} in agent mode: its order and words. */
    private static void checkAgentMode(Path file, PrometheusConfig config) throws ConfigException {
        if (!config.alerting().alertmanagers().isEmpty() || !config.alerting().alertRelabelConfigs().isEmpty()) {
            throw new ConfigException(file + ": field alerting is not allowed in agent mode");
        }
        if (!config.ruleFiles().isEmpty()) {
            throw new ConfigException(file + ": field rule_files is not allowed in agent mode");
        }
        if (!config.sections().entries("remote_read").isEmpty()) {
            throw new ConfigException(file + ": field remote_read is not allowed in agent mode");
        }
    }
}
