package io.promethium.api.http;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.nio.file.Path;
import java.util.Set;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Builds HTTP clients from the {@code http_client_config} fields of a config block. Those
 * fields sit in the block itself, beside the plugin's own ({@code consul_sd_configs} has
 * {@code server} and {@code tls_config} side by side), so a plugin validates its own fields
 * plus {@link #FIELDS}. Implemented by the kernel; thread-safe.
 */
@ProviderType
public interface HttpClientFactory {

    /** The top-level field names of {@code http_client_config}. */
    Set<String> FIELDS = Set.of("basic_auth", "authorization", "bearer_token", "bearer_token_file", "oauth2",
            "tls_config", "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header",
            "follow_redirects", "enable_http2", "http_headers");

    /**
     * Checks the {@link #FIELDS} of a block (other fields are left to the caller): types,
     * exclusive combinations ({@code basic_auth} with {@code oauth2}, {@code proxy_url} with
     * {@code proxy_from_environment}, ...), readable TLS files are not required here.
     *
     * @throws ConfigException naming the field and its location
     */
    void validate(PluginConfig block) throws ConfigException;

    /**
     * A client for the {@link #FIELDS} of a validated block. Relative file names
     * ({@code ca_file}, {@code password_file}, ...) resolve against {@code configDirectory}.
     *
     * @throws ConfigException when a field is invalid or a TLS file cannot be read
     */
    ConfiguredHttpClient create(PluginConfig block, Path configDirectory) throws ConfigException;

    /**
     * Checks a {@code tls_config} block alone ({@code ca}/{@code ca_file}, {@code cert}/{@code cert_file},
     * {@code key}/{@code key_file}, {@code server_name}, {@code insecure_skip_verify},
     * {@code min_version}, {@code max_version}; Prometheus's rules and messages); files need not
     * be readable yet.
     *
     * @param tlsConfig the block, e.g. {@code block.block("tls_config")}; null is the defaults
     * @throws ConfigException naming the field and its location
     * @since 1.1
     */
    void validateTls(PluginConfig tlsConfig) throws ConfigException;

    /**
     * TLS for a connection this factory's clients do not make (SMTP, a raw socket), with the
     * same rules as {@link #create}: trust from {@code ca}/{@code ca_file} (else the platform's),
     * the client certificate (PEM, PKCS#8 key), {@code min_version}/{@code max_version}
     * (TLS 1.2 to 1.3 when unset). Unless {@code insecure_skip_verify}, the peer's certificate
     * must name {@code server_name}, or {@code host} when it is unset (as Go checks), in its
     * subject alternative names; that name is sent as SNI unless it is an IP address. Files are
     * read on each call: call it per connection so rotated certificates apply.
     *
     * @param tlsConfig the block; null is the defaults
     * @param host the host the connection is made to
     * @param configDirectory relative file names resolve against it
     * @throws ConfigException when a field is invalid or a file cannot be read or parsed
     * @since 1.1
     */
    ClientTls tls(PluginConfig tlsConfig, String host, Path configDirectory) throws ConfigException;
}
