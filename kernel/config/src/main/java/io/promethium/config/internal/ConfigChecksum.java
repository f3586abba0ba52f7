package io.promethium.config.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.config.tool.FileGlobs;
import io.promethium.config.yaml.YamlNode;
import io.promethium.config.yaml.YamlReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What {@code --enable-feature=auto-reload-config} compares, as Prometheus's config checksum: the
 * config file and every file its {@code rule_files} and {@code scrape_config_files} patterns
 * match (names and contents), so editing a rule file reloads too.
 */
final class ConfigChecksum {

    private ConfigChecksum() {
    }

    /** The checksum of {@code file} and the files it names; a file that cannot be read is an exception. */
    static String of(Path file) throws IOException {
        MessageDigest digest = sha256();
        byte[] main = Files.readAllBytes(file);
        digest.update(main);
        Path base = file.toAbsolutePath().getParent();
        YamlNode root;
        try {
            root = new YamlReader().read(file.toString(), new String(main, StandardCharsets.UTF_8));
        } catch (ConfigException e) {
            // The reload reports the error; the file's own bytes are the checksum until it parses.
            return HexFormat.of().formatHex(digest.digest());
        }
        if (root instanceof YamlNode.Mapping top) {
            for (String key : new String[] {"rule_files", "scrape_config_files"}) {
                if (top.get(key) instanceof YamlNode.Sequence patterns) {
                    for (YamlNode item : patterns.items()) {
                        if (item instanceof YamlNode.Scalar pattern && base != null) {
                            for (Path named : FileGlobs.expand(base, pattern.text())) {
                                if (Files.isRegularFile(named)) {
                                    digest.update(named.toString().getBytes(StandardCharsets.UTF_8));
                                    digest.update(Files.readAllBytes(named));
                                }
                            }
                        }
                    }
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
