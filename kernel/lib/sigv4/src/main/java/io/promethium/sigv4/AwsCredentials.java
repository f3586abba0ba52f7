package io.promethium.sigv4;

import java.util.Objects;

/**
 * An access key pair and, for temporary credentials, a session token. {@link #toString()} never
 * shows the secret key or the token.
 *
 * @param accessKeyId the access key id ({@code AKIA...})
 * @param secretAccessKey the secret access key
 * @param sessionToken the session token of temporary credentials, or null
 */
public record AwsCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {

    public AwsCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId is null");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey is null");
        if (sessionToken != null && sessionToken.isEmpty()) {
            sessionToken = null;
        }
    }

    @Override
    public String toString() {
        return "AwsCredentials[" + accessKeyId + ", <secret>" + (sessionToken == null ? "" : ", <session token>") + "]";
    }
}
