package io.promethium.config.http;

import io.promethium.config.model.HttpClientConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The request headers an {@code http_client_config} adds: {@code Authorization} from
 * {@code basic_auth}, {@code authorization} (or {@code bearer_token}) or an {@code oauth2} token,
 * and {@code http_headers} (files included). Secret files are read on every request, as
 * Prometheus does, so a rotated secret is used without a reload. Thread-safe.
 */
public final class Credentials implements AutoCloseable {

    private final HttpClientConfig config;
    private final Path configDirectory;
    private final OAuth2Tokens tokens;

    public Credentials(HttpClientConfig config, Path configDirectory) throws io.promethium.api.config.ConfigException {
        this.config = Objects.requireNonNull(config, "config is null");
        this.configDirectory = configDirectory;
        this.tokens = config.oauth2() == null ? null : new OAuth2Tokens(config.oauth2(), configDirectory);
    }

    /** Whether a value may differ between requests (files, OAuth2 tokens). */
    public boolean dynamic() {
        HttpClientConfig.BasicAuth basic = config.basicAuth();
        HttpClientConfig.Authorization auth = config.authorization();
        return tokens != null || !config.headerFiles().isEmpty()
                || (basic != null && (!basic.passwordFile().isEmpty() || !basic.usernameFile().isEmpty()))
                || (auth != null && !auth.credentialsFile().isEmpty());
    }

    /** The {@code Authorization} value, or {@code null} when no credentials are configured. */
    public String authorization() throws IOException {
        HttpClientConfig.BasicAuth basic = config.basicAuth();
        if (basic != null) {
            String user = basic.usernameFile().isEmpty() ? basic.username() : read(basic.usernameFile());
            String password = basic.passwordFile().isEmpty() ? basic.password() : read(basic.passwordFile());
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }
        HttpClientConfig.Authorization auth = config.authorization();
        if (auth != null) {
            String credentials = auth.credentialsFile().isEmpty() ? auth.credentials() : read(auth.credentialsFile());
            return auth.type() + " " + credentials;
        }
        if (tokens != null) {
            return tokens.authorization();
        }
        return null;
    }

    /**
     * The configured headers as alternating names and values ({@code http_headers} values,
     * secrets and files; the {@code Proxy-Authorization} of {@code proxy_connect_header} or of
     * user info in {@code proxy_url}).
     */
    public List<String> headers() throws IOException {
        List<String> headers = new ArrayList<>();
        for (Map.Entry<String, String> header : config.headers().entrySet()) {
            headers.add(header.getKey());
            headers.add(header.getValue());
        }
        for (Map.Entry<String, List<String>> header : config.headerFiles().entrySet()) {
            for (String file : header.getValue()) {
                headers.add(header.getKey());
                headers.add(read(file));
            }
        }
        for (Map.Entry<String, List<String>> header : config.proxyConnectHeaders().entrySet()) {
            for (String value : header.getValue()) {
                headers.add(header.getKey());
                headers.add(value);
            }
        }
        String proxyUser = ProxyRules.userInfoAuthorization(config.proxyUrl());
        if (proxyUser != null && config.proxyConnectHeaders().isEmpty()) {
            headers.add("Proxy-Authorization");
            headers.add(proxyUser);
        }
        return headers;
    }

    private String read(String file) throws IOException {
        Path path = configDirectory == null ? Path.of(file) : configDirectory.resolve(file);
        try {
            return Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException("unable to read secret file " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (tokens != null) {
            tokens.close();
        }
    }
}
