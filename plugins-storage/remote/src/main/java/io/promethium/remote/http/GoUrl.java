package io.promethium.remote.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * URL checking as Go's {@code net/url.Parse} does it, because Prometheus's {@code url} settings
 * accept whatever that accepts ({@code localhost:9090} parses, as scheme "localhost" and opaque
 * "9090"; the request then fails with "unsupported protocol scheme"). Java's {@link URI} is
 * stricter on some inputs (a space in a path) and laxer on others, so the judgement is ported and
 * {@link URI} only carries the result. Written here because no library reproduces Go's rules.
 */
public final class GoUrl {

    private GoUrl() {
    }

    /**
     * Parses {@code raw} as Go's {@code url.Parse}.
     *
     * @return the URL as a {@link URI} (characters Java refuses percent-encoded, as Go's
     *         {@code String()} writes them)
     * @throws IllegalArgumentException with Go's message, {@code parse "<raw>": <reason>}
     */
    public static URI parse(String raw) {
        String reason = reason(raw);
        if (reason != null) {
            throw new IllegalArgumentException("parse \"" + raw + "\": " + reason);
        }
        try {
            return URI.create(raw);
        } catch (IllegalArgumentException e) {
            return URI.create(encodeIllegal(raw));
        }
    }

    /** Go's reason for refusing {@code raw}, or null when it parses. */
    static String reason(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return "net/url: invalid control character in URL";
            }
        }
        String rest = raw;
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            String bad = badEscape(rest.substring(hash + 1));
            if (bad != null) {
                return bad;
            }
            rest = rest.substring(0, hash);
        }
        if (rest.isEmpty() || rest.equals("*")) {
            return null;
        }
        String scheme = "";
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                continue;
            }
            if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
                if (i == 0) {
                    break;
                }
                continue;
            }
            if (c == ':') {
                if (i == 0) {
                    return "missing protocol scheme";
                }
                scheme = rest.substring(0, i).toLowerCase(Locale.ROOT);
                rest = rest.substring(i + 1);
            }
            break;
        }
        if (rest.endsWith("?") && rest.indexOf('?') == rest.length() - 1) {
            rest = rest.substring(0, rest.length() - 1);
        } else {
            int q = rest.indexOf('?');
            if (q >= 0) {
                rest = rest.substring(0, q); // the query is kept raw; Go checks it only on use
            }
        }
        if (!rest.startsWith("/")) {
            if (!scheme.isEmpty()) {
                return null; // opaque: "localhost:9090", "mailto:x"
            }
            int slash = rest.indexOf('/');
            String segment = slash < 0 ? rest : rest.substring(0, slash);
            if (segment.contains(":")) {
                return "first path segment in URL cannot contain colon";
            }
        }
        if ((!scheme.isEmpty() || !rest.startsWith("///")) && rest.startsWith("//")) {
            String authority = rest.substring(2);
            int slash = authority.indexOf('/');
            if (slash >= 0) {
                rest = authority.substring(slash);
                authority = authority.substring(0, slash);
            } else {
                rest = "";
            }
            String bad = authorityReason(authority);
            if (bad != null) {
                return bad;
            }
        }
        return badEscape(rest);
    }

    private static String authorityReason(String authority) {
        int at = authority.lastIndexOf('@');
        String host = authority;
        if (at >= 0) {
            String userinfo = authority.substring(0, at);
            for (int i = 0; i < userinfo.length(); i++) {
                char c = userinfo.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || "-._:~!$&'()*+,;=%@".indexOf(c) >= 0;
                if (!ok) {
                    return "net/url: invalid userinfo";
                }
            }
            String bad = badEscape(userinfo);
            if (bad != null) {
                return bad;
            }
            host = authority.substring(at + 1);
        }
        if (host.startsWith("[")) {
            int close = host.lastIndexOf(']');
            if (close < 0) {
                return "missing ']' in host";
            }
            String colonPort = host.substring(close + 1);
            if (!validOptionalPort(colonPort)) {
                return "invalid port \"" + colonPort + "\" after host";
            }
            return null;
        }
        int colon = host.lastIndexOf(':');
        if (colon >= 0) {
            String colonPort = host.substring(colon);
            if (!validOptionalPort(colonPort)) {
                return "invalid port \"" + colonPort + "\" after host";
            }
        }
        String bad = badEscape(host);
        if (bad != null) {
            return bad;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            // Go's shouldEscape(encodeHost): these, letters, digits and non-ASCII may stand in a host.
            boolean ok = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-_.~!$&'()*+,;=:[]<>\"%".indexOf(c) >= 0;
            if (!ok) {
                return "invalid character \"" + c + "\" in host name";
            }
        }
        return null;
    }

    private static boolean validOptionalPort(String port) {
        if (port.isEmpty()) {
            return true;
        }
        if (port.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Go's unescape error for a {@code %} not followed by two hex digits, or null. */
    private static String badEscape(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '%') {
                if (i + 2 >= s.length() || !hex(s.charAt(i + 1)) || !hex(s.charAt(i + 2))) {
                    return "invalid URL escape \"" + s.substring(i, Math.min(s.length(), i + 3)) + "\"";
                }
                i += 2;
            }
        }
        return null;
    }

    /**
     * Why Go's HTTP client cannot send to {@code url} ({@code Post "localhost:9090": unsupported
     * protocol scheme "localhost"}), or null when it can: a URL Prometheus accepts in the config
     * fails only when used.
     */
    public static String unsendable(String method, URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return method + " \"" + url + "\": unsupported protocol scheme \"" + scheme + "\"";
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            return method + " \"" + url + "\": http: no Host in request URL";
        }
        return null;
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Percent-encodes the characters {@link URI} refuses (space, quotes, non-ASCII...), keeping existing escapes. */
    private static String encodeIllegal(String raw) {
        StringBuilder sb = new StringBuilder(raw.length() + 16);
        for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            boolean legal = c > 0x20 && c < 0x7f && "\"<>\\^`{|} ".indexOf(c) < 0;
            if (legal) {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }
}
