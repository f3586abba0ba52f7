package io.promethium.web.internal.server;

import io.promethium.api.config.ConfigException;
import io.promethium.config.yaml.YamlNode;
import io.promethium.config.yaml.YamlReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Prometheus's {@code --web.config.file}: {@code tls_server_config} (cert_file, key_file) and
 * {@code basic_auth_users} (user name to bcrypt hash). Relative paths resolve against the file.
 *
 * @param certFile PEM certificate chain, or null for plain HTTP
 * @param keyFile PEM private key (PKCS#8, PKCS#1 or SEC1: kernel/lib/pem), or null
 */
public record WebConfigFile(Path certFile, Path keyFile, Map<String, String> users) {

    public static final WebConfigFile NONE = new WebConfigFile(null, null, Map.of());

    public WebConfigFile {
        users = Map.copyOf(users);
    }

    public boolean tls() {
        return certFile != null;
    }

    public static WebConfigFile load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read web config file: " + e.getMessage(), e);
        }
        YamlNode root = new YamlReader().read(file.toString(), text);
        if (!(root instanceof YamlNode.Mapping mapping)) {
            throw new ConfigException(file + ": expected a mapping");
        }
        Path base = file.toAbsolutePath().getParent();
        Path cert = null;
        Path key = null;
        Map<String, String> users = new LinkedHashMap<>();
        for (YamlNode.Entry entry : mapping.entries().values()) {
            switch (entry.key()) {
                case "tls_server_config" -> {
                    Map<String, String> tls = strings(entry);
                    for (String name : tls.keySet()) {
                        if (!Set.of("cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version",
                                "max_version", "cipher_suites", "prefer_server_cipher_suites", "curve_preferences").contains(name)) {
                            throw new ConfigException(entry.keyLocation() + ": field " + name + " not found in tls_server_config");
                        }
                    }
                    if (tls.containsKey("cert_file") != tls.containsKey("key_file")) {
                        throw new ConfigException(entry.keyLocation() + ": tls_server_config needs both cert_file and key_file");
                    }
                    if (tls.containsKey("cert_file")) {
                        cert = base.resolve(tls.get("cert_file"));
                        key = base.resolve(tls.get("key_file"));
                    }
                }
                case "basic_auth_users" -> {
                    Map<String, String> hashes = strings(entry);
                    for (Map.Entry<String, String> user : hashes.entrySet()) {
                        if (!user.getValue().startsWith("$2")) {
                            throw new ConfigException(entry.keyLocation() + ": basic_auth_users." + user.getKey() + ": not a bcrypt hash");
                        }
                    }
                    users.putAll(hashes);
                }
                case "http_server_config" -> {
                    // Accepted for compatibility (http2 and headers); Jetty's defaults apply.
                }
                default -> throw new ConfigException(entry.keyLocation() + ": field " + entry.key() + " not found in web config");
            }
        }
        return new WebConfigFile(cert, key, users);
    }

    private static Map<String, String> strings(YamlNode.Entry entry) throws ConfigException {
        Map<String, String> result = new LinkedHashMap<>();
        if (entry.value() instanceof YamlNode.Scalar s && s.isNull()) {
            return result;
        }
        if (!(entry.value() instanceof YamlNode.Mapping m)) {
            throw new ConfigException(entry.keyLocation() + ": " + entry.key() + ": expected a mapping");
        }
        for (YamlNode.Entry child : m.entries().values()) {
            if (child.value() instanceof YamlNode.Scalar s && !s.isNull()) {
                result.put(child.key(), s.text());
            } else if (!(child.value() instanceof YamlNode.Sequence)) {
                throw new ConfigException(child.keyLocation() + ": " + child.key() + ": expected a string");
            }
        }
        return result;
    }
}
