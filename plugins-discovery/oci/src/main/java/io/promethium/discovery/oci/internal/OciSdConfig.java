package io.promethium.discovery.oci.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.HttpClientFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One validated {@code oci_sd_configs} block with Prometheus's defaults and checks
 * ({@code discovery/oci/oci.go}): {@code auth} ({@code api_key}, or {@code instance_principal} with
 * none of the key fields), {@code tenancy}, {@code user}, {@code fingerprint},
 * {@code key_file} (required for {@code api_key}; relative to the config file), at most one of
 * {@code key_passphrase} and {@code key_passphrase_file}, {@code region} (required),
 * {@code compartments} (none empty; all active ones under the tenancy when none), {@code port} 80,
 * {@code refresh_interval} 60s, and {@code http_client_config}.
 */
record OciSdConfig(boolean instancePrincipal, String tenancy, String user, String fingerprint, Path keyFile, String keyPassphrase, Path keyPassphraseFile,
                   String region, List<String> compartments, long port, Duration refreshInterval) {

    static final Set<String> OWN_FIELDS = Set.of("auth", "tenancy", "user", "fingerprint", "key_file", "key_passphrase",
            "key_passphrase_file", "region", "compartments", "port", "refresh_interval");

    @Override
    public String toString() {
        return "OciSdConfig[instancePrincipal=" + instancePrincipal + ", tenancy=" + tenancy + ", user=" + user + ", fingerprint=" + fingerprint + ", keyFile=" + keyFile
                + ", keyPassphrase=<secret>, region=" + region + ", compartments=" + compartments + ", port=" + port + "]";
    }

    static OciSdConfig parse(PluginConfig config, Path configDirectory) throws ConfigException {
        Set<String> known = new HashSet<>(OWN_FIELDS);
        known.addAll(HttpClientFactory.FIELDS);
        config.requireOnly(known);
        String region = config.string("region", "");
        if (region.isEmpty()) {
            throw config.error("region", "oci_sd: region is required");
        }
        String auth = config.string("auth", "api_key");
        String tenancy = config.string("tenancy", "");
        String user = config.string("user", "");
        String fingerprint = config.string("fingerprint", "");
        String keyFile = config.string("key_file", "");
        String passphrase = config.string("key_passphrase", "");
        String passphraseFile = config.string("key_passphrase_file", "");
        switch (auth) {
            case "api_key" -> {
                if (tenancy.isEmpty()) {
                    throw config.error("tenancy", "oci_sd: api_key auth requires tenancy");
                }
                if (user.isEmpty()) {
                    throw config.error("user", "oci_sd: api_key auth requires user");
                }
                if (fingerprint.isEmpty()) {
                    throw config.error("fingerprint", "oci_sd: api_key auth requires fingerprint");
                }
                if (keyFile.isEmpty()) {
                    throw config.error("key_file", "oci_sd: api_key auth requires key_file");
                }
                if (!passphrase.isEmpty() && !passphraseFile.isEmpty()) {
                    throw config.error("oci_sd: at most one of key_passphrase and key_passphrase_file must be configured");
                }
            }
            case "instance_principal" -> {
                if (!tenancy.isEmpty() || !user.isEmpty() || !fingerprint.isEmpty() || !keyFile.isEmpty() || !passphrase.isEmpty()
                        || !passphraseFile.isEmpty()) {
                    throw config.error("oci_sd: instance_principal auth must not have tenancy, user, fingerprint, key_file, "
                            + "key_passphrase, or key_passphrase_file set");
                }
            }
            default -> throw config.error("auth", "oci_sd: unknown auth method \"" + auth + "\", expected \"api_key\" or "
                    + "\"instance_principal\"");
        }
        List<String> compartments = config.strings("compartments");
        for (int i = 0; i < compartments.size(); i++) {
            if (compartments.get(i).isEmpty()) {
                throw config.error("compartments", "oci_sd: compartments[" + i + "] must not be empty");
            }
        }
        Duration refresh = config.duration("refresh_interval", Duration.ofSeconds(60));
        if (refresh.isZero() || refresh.isNegative()) {
            // Prometheus accepts 0 and then panics in its ticker; refused here with a message instead.
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        long port = config.integer("port", 80);
        if (port < 0 || port > 65535) {
            throw config.error("port", "port must be between 0 and 65535, got " + port);
        }
        return new OciSdConfig("instance_principal".equals(auth), tenancy, user, fingerprint, configDirectory.resolve(keyFile), passphrase,
                passphraseFile.isEmpty() ? null : configDirectory.resolve(passphraseFile), region, compartments, port, refresh);
    }
}
