package io.promethium.discovery.dns.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One validated {@code dns_sd_configs} block, with Prometheus's rules and messages.
 *
 * @param names the names to look up, each its own target group
 * @param type SRV (default), A, AAAA, MX or NS
 * @param port the port of every target; required except for SRV (whose records carry ports)
 */
record DnsSdConfig(List<String> names, RecordType type, int port, Duration refreshInterval) {

    static final Duration DEFAULT_REFRESH = Duration.ofSeconds(30);
    private static final Set<String> FIELDS = Set.of("names", "type", "port", "refresh_interval");

    /** The record types Prometheus's DNS discovery asks for. */
    enum RecordType {
        SRV, A, AAAA, MX, NS
    }

    DnsSdConfig {
        names = List.copyOf(names);
        Objects.requireNonNull(type, "type is null");
        Objects.requireNonNull(refreshInterval, "refreshInterval is null");
    }

    static DnsSdConfig parse(PluginConfig config) throws ConfigException {
        config.requireOnly(FIELDS);
        List<String> names = config.strings("names");
        if (names.isEmpty()) {
            throw config.error("DNS-SD config must contain at least one SRV record name");
        }
        for (String name : names) {
            if (name.isBlank()) {
                throw config.error("names", "names: an empty name is not a DNS name");
            }
        }
        String typeText = config.string("type", "SRV");
        RecordType type;
        try {
            type = RecordType.valueOf(typeText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw config.error("type", "invalid DNS-SD records type " + typeText);
        }
        long port = config.integer("port", 0);
        if (port < 0 || port > 65535) {
            throw config.error("port", "port: " + port + " is not a port (0-65535)");
        }
        if (type != RecordType.SRV && port == 0) {
            throw config.error("a port is required in DNS-SD configs for all record types except SRV");
        }
        Duration refresh = config.duration("refresh_interval", DEFAULT_REFRESH);
        if (refresh.isZero() || refresh.isNegative()) {
            throw config.error("refresh_interval", "refresh_interval must be greater than 0");
        }
        return new DnsSdConfig(names, type, (int) port, refresh);
    }
}
