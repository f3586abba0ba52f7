package io.promethium.config.internal;

import java.util.Locale;
import java.util.Set;

/**
 * Which request headers a config may set, with Prometheus's error meanings: remote write/read
 * and tracing {@code headers} may not touch the headers Prometheus sets itself or that change the
 * connection, and an {@code Authorization} header belongs in the auth settings; a client's
 * {@code http_headers} may not set the reserved headers of Prometheus's HTTP client.
 */
public final class HeaderRules {

    /** Remote write/read and tracing (Prometheus {@code config.reservedHeaders}), lower case. */
    private static final Set<String> REMOTE_RESERVED = Set.of("host", "content-length", "content-encoding", "content-type",
            "x-prometheus-remote-write-version", "user-agent", "connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "www-authenticate", "accept-encoding", "x-prometheus-remote-read-version",
            "x-amz-date", "x-amz-security-token", "x-amz-content-sha256");

    /** {@code http_headers} of any HTTP client (Prometheus common's reserved headers), lower case. */
    private static final Set<String> CLIENT_RESERVED = Set.of("authorization", "host", "content-encoding", "content-length",
            "content-type", "user-agent", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "www-authenticate", "accept-encoding", "x-prometheus-remote-write-version", "x-prometheus-remote-read-version",
            "x-prometheus-scrape-timeout-seconds", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256");

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

    /** The error for an {@code http_headers} key, or null when it may be set. */
    static String clientViolation(String header) {
        return CLIENT_RESERVED.contains(header.toLowerCase(Locale.ROOT))
                ? "setting header \"" + canonical(header) + "\" is not allowed" : null;
    }

    /** Go's {@code http.CanonicalHeaderKey}: each dash-separated word capitalised. */
    private static String canonical(String header) {
        StringBuilder sb = new StringBuilder(header.length());
        boolean upper = true;
        for (char c : header.toCharArray()) {
            sb.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return sb.toString();
    }
}
