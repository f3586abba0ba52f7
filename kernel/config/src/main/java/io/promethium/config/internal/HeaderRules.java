package io.promethium.config.internal;

import java.util.Locale;
import java.util.Set;

/**
 * Which request headers a config may set, with Prometheus's error meanings: remote write/read
 * and tracing {@code headers} may not touch the headers Prometheus sets itself or that change the
 * connection, and an {@code Authorization} header belongs in the auth settings. (A client's
 * {@code http_headers} are checked by {@link io.promethium.config.http.HttpClientConfigParser}.)
 */
public final class HeaderRules {

    /** Remote write/read and tracing (Prometheus {@code config.reservedHeaders}), lower case. */
    private static final Set<String> REMOTE_RESERVED = Set.of("host", "content-length", "content-encoding", "content-type",
            "x-prometheus-remote-write-version", "user-agent", "connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "www-authenticate", "accept-encoding", "x-prometheus-remote-read-version",
            "x-amz-date", "x-amz-security-token", "x-amz-content-sha256");

    private HeaderRules() {
    }

    /** The error for a remote write/read {@code headers} key, or null when it may be set. */
    public static String remoteViolation(String header) {
        String lower = header.toLowerCase(Locale.ROOT);
        if (lower.equals("authorization")) {
            return "authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter";
        }
        return REMOTE_RESERVED.contains(lower) ? header + " is a reserved header. It must not be changed" : null;
    }

    /** The error for a tracing {@code headers} key, or null when it may be set. */
    static String tracingViolation(String header) {
        String lower = header.toLowerCase(Locale.ROOT);
        if (lower.equals("authorization")) {
            return "custom authorization header configuration is not yet supported";
        }
        return REMOTE_RESERVED.contains(lower) ? header + " is a reserved header. It must not be changed" : null;
    }
}
