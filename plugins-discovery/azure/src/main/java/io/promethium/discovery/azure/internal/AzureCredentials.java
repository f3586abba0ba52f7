package io.promethium.discovery.azure.internal;

import io.promethium.api.discovery.JsonHttpFetch;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Access tokens for Resource Manager as Azure's identity library (azidentity, which Prometheus
 * uses) gets them. {@code OAuth}: the client-credentials grant at
 * {@code <authority>/<tenant>/oauth2/v2.0/token}. {@code ManagedIdentity}: the instance metadata
 * service's {@code /metadata/identity/oauth2/token} (with {@code Metadata: true}, and
 * {@code client_id} for a user-assigned identity). {@code WorkloadIdentity}: the client-assertion
 * grant with the federated token file ({@code AZURE_FEDERATED_TOKEN_FILE}, {@code AZURE_CLIENT_ID},
 * {@code AZURE_TENANT_ID}). {@code SDK}: the environment's client secret
 * ({@code AZURE_TENANT_ID}, {@code AZURE_CLIENT_ID}, {@code AZURE_CLIENT_SECRET}), else workload
 * identity, else managed identity (the Azure CLI, which the SDK also tries, is not). The
 * authority is the cloud's unless {@code AZURE_AUTHORITY_HOST} names another. A token is reused
 * until 5 minutes before it expires. Only the refresh thread calls {@link #token()}.
 */
final class AzureCredentials {

    private final AzureSdConfig config;
    private final JsonHttpFetch<JsonNode> api;
    private final UnaryOperator<String> env;
    private final URI imds;
    private final Clock clock;
    private String token;
    private Instant expiry = Instant.MIN;

    AzureCredentials(AzureSdConfig config, JsonHttpFetch<JsonNode> api, UnaryOperator<String> env, URI imds, Clock clock) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.api = Objects.requireNonNull(api, "api is null");
        this.env = Objects.requireNonNull(env, "env is null");
        this.imds = Objects.requireNonNull(imds, "imds is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    private String env(String name) {
        String value = env.apply(name);
        return value == null || value.isEmpty() ? null : value;
    }

    String token() throws IOException, InterruptedException {
        Instant now = clock.instant();
        if (token != null && now.isBefore(expiry.minusSeconds(300))) {
            return token;
        }
        JsonNode answer = switch (config.authenticationMethod()) {
            case "OAuth" -> clientSecret(config.tenantId(), config.clientId(), config.clientSecret());
            case "ManagedIdentity" -> managedIdentity(config.clientId());
            case "WorkloadIdentity" -> workloadIdentity();
            default -> sdk();
        };
        String accessToken = CloudApi.text(answer, "access_token");
        if (accessToken.isEmpty()) {
            throw new IOException("the token answer has no access_token");
        }
        long expiresIn = answer.path("expires_in").asLong(0);
        token = accessToken;
        expiry = expiresIn > 0 ? now.plusSeconds(expiresIn) : now;
        return token;
    }

    private String scope() {
        return config.management() + ".default";
    }

    private String authority() {
        String host = env("AZURE_AUTHORITY_HOST");
        String authority = host != null ? host : config.login();
        return authority.endsWith("/") ? authority : authority + "/";
    }

    private JsonNode clientSecret(String tenant, String clientId, String secret) throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        form.put("client_secret", secret);
        form.put("scope", scope());
        return post(tenant, form, "ClientSecretCredential");
    }

    private JsonNode workloadIdentity() throws IOException, InterruptedException {
        String file = env("AZURE_FEDERATED_TOKEN_FILE");
        String clientId = env("AZURE_CLIENT_ID");
        String tenant = env("AZURE_TENANT_ID");
        if (file == null || clientId == null || tenant == null) {
            throw new IOException("WorkloadIdentityCredential: no client ID, tenant ID or token file specified "
                    + "(AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE)");
        }
        String assertion;
        try {
            assertion = Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            throw new IOException("WorkloadIdentityCredential: cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        form.put("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        form.put("client_assertion", assertion);
        form.put("scope", scope());
        return post(tenant, form, "WorkloadIdentityCredential");
    }

    private JsonNode managedIdentity(String clientId) throws IOException, InterruptedException {
        String query = "api-version=2018-02-01&resource=" + URLEncoder.encode(config.management(), StandardCharsets.UTF_8)
                + (clientId == null || clientId.isEmpty() ? "" : "&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8));
        try {
            return api.get(imds.resolve("metadata/identity/oauth2/token?" + query), "Metadata", "true");
        } catch (IOException e) {
            throw new IOException("ManagedIdentityCredential: " + e.getMessage(), e);
        }
    }

    private JsonNode sdk() throws IOException, InterruptedException {
        String tenant = config.tenantId().isEmpty() ? env("AZURE_TENANT_ID") : config.tenantId();
        if (tenant != null && env("AZURE_CLIENT_ID") != null && env("AZURE_CLIENT_SECRET") != null) {
            return clientSecret(tenant, env("AZURE_CLIENT_ID"), env("AZURE_CLIENT_SECRET"));
        }
        if (env("AZURE_FEDERATED_TOKEN_FILE") != null) {
            return workloadIdentity();
        }
        try {
            return managedIdentity(env("AZURE_CLIENT_ID"));
        } catch (IOException e) {
            throw new IOException("DefaultAzureCredential: failed to acquire a token (EnvironmentCredential: missing environment "
                    + "variables; WorkloadIdentityCredential: no token file; " + e.getMessage() + ")", e);
        }
    }

    private JsonNode post(String tenant, Map<String, String> form, String credential) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        URI uri = URI.create(authority() + URLEncoder.encode(tenant, StandardCharsets.UTF_8) + "/oauth2/v2.0/token");
        try {
            return api.send("POST", uri, "application/x-www-form-urlencoded", body.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(credential + ": authentication failed: " + e.getMessage(), e);
        }
    }
}
