package io.promethium.discovery.stackit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.promethium.api.discovery.JsonHttpFetch;
import io.promethium.pem.PemKeys;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.InvalidKeySpecException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * STACKIT's service-account key flow, as its Go SDK (which Prometheus uses) runs it: the service
 * account key (JSON) from the config; the private key from the config, else
 * {@code STACKIT_PRIVATE_KEY_PATH} / {@code STACKIT_PRIVATE_KEY}, else the credentials file
 * ({@code credentials_file_path}, else {@code STACKIT_CREDENTIALS_PATH}, else
 * {@code ~/.stackit/credentials.json}), else the key's own {@code credentials.privateKey}. A
 * self-signed JWT (RS512, {@code kid}, {@code iss}/{@code sub}/{@code aud} from the key, a random
 * {@code jti}, valid an hour; the JDK's {@link Signature}) is exchanged at the key's
 * {@code tokenEndpoint} (else {@code STACKIT_TOKEN_BASEURL}, else STACKIT's) for an access token,
 * which is reused until 5 s before its {@code exp}, then renewed with the refresh token while that
 * is valid. Used by the refresh thread only.
 */
final class StackitKeyFlow {

    static final String TOKEN_API = "https://service-account.api.stackit.cloud/token";
    private static final long LEEWAY_SECONDS = 5;
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final StackitSdConfig config;
    private final UnaryOperator<String> env;
    private final Path home;
    private final JsonHttpFetch<JsonNode> fetch;
    private final Clock clock;
    private JsonNode key;
    private PrivateKey privateKey;
    private URI tokenUrl;
    private String accessToken = "";
    private String refreshToken = "";

    StackitKeyFlow(StackitSdConfig config, UnaryOperator<String> env, Path home, JsonHttpFetch<JsonNode> fetch, Clock clock) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.env = Objects.requireNonNull(env, "env is null");
        this.home = Objects.requireNonNull(home, "home is null");
        this.fetch = Objects.requireNonNull(fetch, "fetch is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** A valid access token, fetched when the last one (nearly) expired. */
    String accessToken() throws IOException, InterruptedException {
        if (!expired(accessToken)) {
            return accessToken;
        }
        load();
        Map<String, String> form = new LinkedHashMap<>();
        if (!expired(refreshToken)) {
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", refreshToken);
        } else {
            form.put("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
            form.put("assertion", assertion());
        }
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        JsonNode answer;
        try {
            answer = fetch.send("POST", tokenUrl, "application/x-www-form-urlencoded", body.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            refreshToken = "";
            throw new IOException("get new access token: " + e.getMessage(), e);
        }
        String token = answer.path("access_token").asText("");
        expired(token); // an access token that is no JWT fails here, as in STACKIT's SDK
        accessToken = token;
        refreshToken = answer.path("refresh_token").asText("");
        return accessToken;
    }

    /** Whether a token (a JWT) expires within the leeway; an empty one has. */
    private boolean expired(String token) throws IOException {
        if (token.isEmpty()) {
            return true;
        }
        String[] parts = token.split("\\.");
        try {
            JsonNode claims = StackitDiscoverer.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (!claims.path("exp").isNumber()) {
                throw new IOException("token has no exp");
            }
            return clock.millis() / 1000 + LEEWAY_SECONDS >= claims.get("exp").asLong();
        } catch (IOException | RuntimeException e) {
            throw new IOException("check access token is expired: parse token: " + e.getMessage(), e);
        }
    }

    private void load() throws IOException {
        if (key != null) {
            return;
        }
        String keyJson = config.serviceAccountKey().isEmpty() ? read(config.serviceAccountKeyPath(), "service account key")
                : config.serviceAccountKey();
        JsonNode parsed;
        try {
            parsed = StackitDiscoverer.JSON.readTree(keyJson);
        } catch (IOException e) {
            throw new IOException("configuring key authentication: unmarshalling service account key: " + e.getMessage()
                    + (keyJson.startsWith("-----BEGIN") ? " - it seems like the provided service account key is in PEM format. "
                    + "Please provide it in JSON format." : ""), e);
        }
        String pem = privateKeyPem(parsed);
        this.privateKey = rsa(pem);
        String endpoint = parsed.path("credentials").path("tokenEndpoint").asText("");
        String custom = env.apply("STACKIT_TOKEN_BASEURL");
        tokenUrl = URI.create(custom != null && !custom.isEmpty() ? custom : endpoint.isEmpty() ? TOKEN_API : endpoint);
        this.key = parsed;
    }

    private String privateKeyPem(JsonNode key) throws IOException {
        if (!config.privateKey().isEmpty()) {
            return config.privateKey();
        }
        if (!config.privateKeyPath().isEmpty()) {
            return read(config.privateKeyPath(), "private key");
        }
        String path = env.apply("STACKIT_PRIVATE_KEY_PATH");
        String value = env.apply("STACKIT_PRIVATE_KEY");
        if (path != null && !path.isEmpty()) {
            return read(path, "private key");
        }
        if (value != null && !value.isEmpty()) {
            return value;
        }
        JsonNode file = credentialsFile();
        if (file != null && !file.path("STACKIT_PRIVATE_KEY_PATH").asText("").isEmpty()) {
            return read(file.get("STACKIT_PRIVATE_KEY_PATH").asText(), "private key");
        }
        if (file != null && !file.path("STACKIT_PRIVATE_KEY").asText("").isEmpty()) {
            return file.get("STACKIT_PRIVATE_KEY").asText();
        }
        String embedded = key.path("credentials").path("privateKey").asText("");
        if (embedded.isEmpty()) {
            throw new IOException("configuring key authentication: private key is not part of the service account key and could not be "
                    + "found");
        }
        return embedded;
    }

    private JsonNode credentialsFile() {
        String path = config.credentialsFilePath();
        if (path.isEmpty()) {
            String custom = env.apply("STACKIT_CREDENTIALS_PATH");
            path = custom != null && !custom.isEmpty() ? custom : home.resolve(".stackit/credentials.json").toString();
        }
        try {
            return StackitDiscoverer.JSON.readTree(Files.readString(Path.of(path)));
        } catch (IOException e) {
            return null;
        }
    }

    private static String read(String path, String what) throws IOException {
        String text;
        try {
            text = Files.readString(Path.of(path));
        } catch (IOException e) {
            throw new IOException("configuring key authentication: " + what + ": reading key from file path: " + e.getMessage(), e);
        }
        if (text.isEmpty()) {
            throw new IOException("configuring key authentication: " + what + ": key path points to an empty file");
        }
        return text;
    }

    /** An RSA private key in PEM, PKCS #8 or PKCS #1 (both of which the SDK's JWT library reads). */
    static PrivateKey rsa(String pem) throws IOException {
        try {
            return PemKeys.rsaPrivateKey(pem);
        } catch (InvalidKeySpecException e) {
            throw new IOException("configuring key authentication: the private key is no RSA key in PEM: " + e.getMessage(), e);
        }
    }

    private String assertion() throws IOException {
        JsonNode credentials = key.path("credentials");
        long now = clock.millis() / 1000;
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS512");
        header.put("kid", credentials.path("kid").asText(""));
        header.put("typ", "JWT");
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", credentials.path("aud").asText(""));
        claims.put("exp", now + 3600);
        claims.put("iat", now);
        claims.put("iss", credentials.path("iss").asText(""));
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("sub", credentials.path("sub").asText(""));
        String signingInput = URL.encodeToString(StackitDiscoverer.JSON.writeValueAsBytes(header)) + "."
                + URL.encodeToString(StackitDiscoverer.JSON.writeValueAsBytes(claims));
        try {
            Signature signature = Signature.getInstance("SHA512withRSA");
            signature.initSign(privateKey);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IOException("configuring key authentication: signing the JWT: " + e.getMessage(), e);
        }
    }
}
