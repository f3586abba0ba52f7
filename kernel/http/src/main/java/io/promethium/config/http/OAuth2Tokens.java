package io.promethium.config.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.promethium.api.config.ConfigException;
import io.promethium.config.model.HttpClientConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4) as Go's {@code clientcredentials} does it: the
 * client authenticates with HTTP basic auth, falling back to form parameters when the server
 * refuses that; the token is reused until 10 s before it expires, and a changed
 * {@code client_secret_file} fetches a new one. Thread-safe; one token request at a time.
 */
final class OAuth2Tokens implements AutoCloseable {

    /** Go's oauth2 refreshes this long before the token's expiry. */
    private static final Duration EXPIRY_DELTA = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final JsonFactory JSON = new JsonFactory();

    private final HttpClientConfig.OAuth2 config;
    private final Path configDirectory;
    private final HttpClient transport;
    private final Clock clock;
    private String token;
    private String tokenType;
    private Instant expiry;
    private String secretUsed;
    private boolean paramsStyle;

    OAuth2Tokens(HttpClientConfig.OAuth2 config, Path configDirectory) throws ConfigException {
        this(config, configDirectory, Clock.systemUTC());
    }

    OAuth2Tokens(HttpClientConfig.OAuth2 config, Path configDirectory, Clock clock) throws ConfigException {
        this.config = config;
        this.configDirectory = configDirectory;
        this.transport = HttpTransports.build(config.transport(), configDirectory, TIMEOUT);
        this.clock = clock;
    }

    synchronized String authorization() throws IOException {
        String secret = secret();
        Instant now = clock.instant();
        if (token == null || !secret.equals(secretUsed) || (expiry != null && !now.isBefore(expiry.minus(EXPIRY_DELTA)))) {
            fetch(secret, now);
        }
        return tokenType + " " + token;
    }

    private String secret() throws IOException {
        if (config.clientSecretFile().isEmpty()) {
            return config.clientSecret();
        }
        Path path = configDirectory == null ? Path.of(config.clientSecretFile()) : configDirectory.resolve(config.clientSecretFile());
        try {
            return Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException("oauth2: unable to read client_secret_file " + path + ": " + e.getMessage(), e);
        }
    }

    private void fetch(String secret, Instant now) throws IOException {
        HttpResponse<String> response = request(secret, paramsStyle);
        if (!paramsStyle && (response.statusCode() == 400 || response.statusCode() == 401)) {
            // Go's auto-detection: a server that refuses basic auth gets the credentials as parameters.
            HttpResponse<String> retry = request(secret, true);
            if (retry.statusCode() / 100 == 2) {
                paramsStyle = true;
                response = retry;
            }
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("oauth2: cannot fetch token from " + config.tokenUrl() + ": HTTP " + response.statusCode()
                    + " " + abbreviate(response.body()));
        }
        parse(response.body(), now);
        secretUsed = secret;
    }

    private HttpResponse<String> request(String secret, boolean params) throws IOException {
        StringBuilder form = new StringBuilder("grant_type=client_credentials");
        if (!config.scopes().isEmpty()) {
            form.append("&scope=").append(encode(String.join(" ", config.scopes())));
        }
        for (Map.Entry<String, String> param : config.endpointParams().entrySet()) {
            form.append('&').append(encode(param.getKey())).append('=').append(encode(param.getValue()));
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(config.tokenUrl()))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (params) {
            form.append("&client_id=").append(encode(config.clientId())).append("&client_secret=").append(encode(secret));
        } else {
            String basic = encode(config.clientId()) + ":" + encode(secret);
            builder.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        builder.POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        try {
            return transport.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("oauth2: interrupted while fetching a token", e);
        }
    }

    private void parse(String body, Instant now) throws IOException {
        String accessToken = null;
        String type = "Bearer";
        long expiresIn = 0;
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("oauth2: token response is not a JSON object: " + abbreviate(body));
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "access_token" -> accessToken = parser.getValueAsString();
                    case "token_type" -> type = parser.getValueAsString("Bearer");
                    case "expires_in" -> expiresIn = value == JsonToken.VALUE_STRING
                            ? Long.parseLong(parser.getText().strip()) : parser.getValueAsLong();
                    default -> parser.skipChildren();
                }
            }
        } catch (NumberFormatException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("oauth2: invalid token response: " + e.getMessage(), e);
        }
        if (accessToken == null || accessToken.isEmpty()) {
            throw new IOException("oauth2: server response missing access_token");
        }
        token = accessToken;
        // Go's oauth2 writes "Bearer" whatever case the server used.
        tokenType = type.equalsIgnoreCase("bearer") || type.isEmpty() ? "Bearer" : type;
        expiry = expiresIn > 0 ? now.plusSeconds(expiresIn) : null;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    @Override
    public void close() {
        transport.shutdownNow();
    }
}
