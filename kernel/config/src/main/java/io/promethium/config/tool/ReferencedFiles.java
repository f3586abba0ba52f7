package io.promethium.config.tool;

import io.promethium.config.yaml.YamlNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The files a config names for a client to read (TLS certificates, keys and CAs, password,
 * credential and token files), found anywhere in the file, plugin sections included, and checked
 * to exist (as promtool's {@code os.Stat}: a folder passes) as {@code promtool check config} does for
 * certificates and credentials. Paths are relative to the config's folder, as Prometheus resolves them.
 */
final class ReferencedFiles {

    /** Keys whose value is a file a client reads, and what the file is, for the message. */
    private static final Set<String> FILE_KEYS = Set.of("ca_file", "cert_file", "key_file", "password_file",
            "username_file", "credentials_file", "bearer_token_file", "client_secret_file", "client_id_file");

    private ReferencedFiles() {
    }

    /** One problem per file that is missing or unreadable, with the key's location. */
    static List<String> problems(YamlNode root, Path base) {
        List<String> problems = new ArrayList<>();
        walk(root, base, problems);
        return problems;
    }

    private static void walk(YamlNode node, Path base, List<String> problems) {
        switch (node) {
            case YamlNode.Mapping m -> {
                for (YamlNode.Entry entry : m.entries().values()) {
                    if (FILE_KEYS.contains(entry.key()) && entry.value() instanceof YamlNode.Scalar s
                            && !s.isNull() && !s.text().isEmpty()) {
                        Path file = base.resolve(s.text());
                        String what = entry.key().replace('_', ' ');
                        // As promtool's os.Stat: whatever exists passes (a folder too); reading it is the client's business.
                        if (!Files.exists(file)) {
                            problems.add(entry.keyLocation() + ": error checking " + what + " \"" + s.text() + "\": no such file");
                        }
                    } else {
                        walk(entry.value(), base, problems);
                    }
                }
            }
            case YamlNode.Sequence s -> s.items().forEach(item -> walk(item, base, problems));
            case YamlNode.Scalar s -> {
            }
        }
    }
}
