package io.promethium.discovery.gce.internal;

import io.promethium.api.discovery.JsonHttpFetch;
import io.promethium.pem.PemKeys;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Google's application default credentials, found as Go's {@code google.DefaultClient} (which
 * Prometheus uses) finds them: the JSON file named by {@code GOOGLE_APPLICATION_CREDENTIALS},
 * else gcloud's {@code application_default_credentials.json} (under {@code CLOUDSDK_CONFIG}, else
 * {@code ~/.config/gcloud}), else the metadata server of the instance this runs on
 * ({@code GCE_METADATA_HOST}, else {@code 169.254.169.254}). A service-account key becomes an
 * RS256-signed JWT (the JDK's {@link Signature}) exchanged at its {@code token_uri} for an access
 * token with the {@code compute.readonly} scope; an {@code authorized_user} file's refresh token
 * is exchanged likewise. A token is reused until 10 s before it expires, as Go's oauth2.
 * Only the refresh thread calls {@link #token()}.
 */
final class GoogleCredentials {

    static final String SCOPE = "https://www.googleapis.com/auth/compute.readonly";
    static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

    private final JsonHttpFetch<JsonNode> api;
    private final Function<String, String> env;
    private final Clock clock;
    private String token;
    private Instant expiry = Instant.MIN;

    GoogleCredentials(JsonHttpFetch<JsonNode> api, Function<String, String> env, Clock clock) {
        this.api = Objects.requireNonNull(api, "api is null");
        this.env = Objects.requireNonNull(env, "env is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** A current access token (for {@code Authorization: Bearer}). */
    String token() throws IOException, InterruptedException {
        Instant now = clock.instant();
        if (token != null && now.isBefore(expiry.minusSeconds(10))) {
            return token;
        }
        JsonNode answer = fetch(now);
        String accessToken = CloudApi.text(answer, "access_token");
        if (accessToken.isEmpty()) {
            throw new IOException("oauth2: server response missing access_token");
        }
        long expiresIn = answer.path("expires_in").asLong(0);
        token = accessToken;
        // No expiry in the answer: reuse it for this refresh only.
        expiry = expiresIn > 0 ? now.plusSeconds(expiresIn) : now;
        return token;
    }

    private JsonNode fetch(Instant now) throws IOException, InterruptedException {
        Path file = credentialsFile();
        if (file == null) {
            String host = env.apply("GCE_METADATA_HOST");
            URI uri = URI.create("http://" + (host == null || host.isEmpty() ? "169.254.169.254" : host)
                    + "/computeMetadata/v1/instance/service-accounts/default/token?scopes=" + URLEncoder.encode(SCOPE, StandardCharsets.UTF_8));
            try {
                return api.get(uri, "Metadata-Flavor", "Google");
            } catch (IOException e) {
                throw new IOException("google: could not find default credentials (no GOOGLE_APPLICATION_CREDENTIALS, no gcloud "
                        + "application default credentials, and the metadata server: " + e.getMessage() + ")", e);
            }
        }
        JsonNode key;
        try {
            key = CloudApi.JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IOException("google: error reading credentials file " + file + ": " + e.getMessage(), e);
        }
        String type = CloudApi.text(key, "type");
        String tokenUri = CloudApi.text(key, "token_uri").isEmpty() ? DEFAULT_TOKEN_URI : CloudApi.text(key, "token_uri");
        Map<String, String> form = new LinkedHashMap<>();
        switch (type) {
            case "service_account" -> {
                form.put("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
                form.put("assertion", jwt(key, tokenUri, now));
            }
            case "authorized_user" -> {
                form.put("client_id", CloudApi.text(key, "client_id"));
                form.put("client_secret", CloudApi.text(key, "client_secret"));
                form.put("grant_type", "refresh_token");
                form.put("refresh_token", CloudApi.text(key, "refresh_token"));
            }
            default -> throw new IOException("google: unknown credential type: \"" + type + "\" in " + file);
        }
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        try {
            return api.send("POST", URI.create(tokenUri), "application/x-www-form-urlencoded",
                    body.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException("oauth2: cannot fetch token: " + e.getMessage(), e);
        }
    }

    private Path credentialsFile() {
        String named = env.apply("GOOGLE_APPLICATION_CREDENTIALS");
        if (named != null && !named.isEmpty()) {
            return Path.of(named);
        }
        String config = env.apply("CLOUDSDK_CONFIG");
        Path dir;
        if (config != null && !config.isEmpty()) {
            dir = Path.of(config);
        } else {
            String home = env.apply("HOME");
            if (home == null || home.isEmpty()) {
                return null;
            }
            dir = Path.of(home, ".config", "gcloud");
        }
        Path file = dir.resolve("application_default_credentials.json");
        return Files.isRegularFile(file) ? file : null;
    }

    /** A service account's signed JWT assertion (RFC 7523): RS256 over header and claims with the key's private half. */
    static String jwt(JsonNode key, String tokenUri, Instant now) throws IOException {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        if (!CloudApi.text(key, "private_key_id").isEmpty()) {
            header.put("kid", CloudApi.text(key, "private_key_id"));
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", CloudApi.text(key, "client_email"));
        claims.put("scope", SCOPE);
        claims.put("aud", tokenUri);
        claims.put("exp", now.getEpochSecond() + 3600);
        claims.put("iat", now.getEpochSecond());
        String signingInput = b64.encodeToString(CloudApi.JSON.writeValueAsBytes(header)) + "."
                + b64.encodeToString(CloudApi.JSON.writeValueAsBytes(claims));
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(PemKeys.rsaPrivateKey(CloudApi.text(key, "private_key")));
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(signature.sign());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("google: the service account's private_key is no RSA key in PEM that can be read: " + e.getMessage(), e);
        }
    }
}
