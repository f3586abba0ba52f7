package io.promethium.templates;

import java.nio.charset.StandardCharsets;

/**
 * Go's URL escapers (url.go): urlFilter's safe schemes, urlNormalizer and urlEscaper (one
 * percent-encoder, {@code norm} telling them apart) and srcsetFilterAndEscaper.
 */
final class UrlEscapers {

    private UrlEscapers() {
    }

    /** urlFilter's test: a URL with a scheme other than http, https or mailto is unsafe; one without a scheme is safe. */
    static boolean isSafeUrl(String s) {
        int colon = s.indexOf(':');
        if (colon >= 0) {
            String protocol = s.substring(0, colon);
            if (!protocol.contains("/")) {
                return protocol.equalsIgnoreCase("http") || protocol.equalsIgnoreCase("https") || protocol.equalsIgnoreCase("mailto");
            }
        }
        return true;
    }

    /** Go's urlNormalizer: characters a URL may not hold percent-encoded, reserved ones and valid escapes kept. */
    static String urlNormalizer(String s) {
        return url(s, true);
    }

    /** Go's urlEscaper: every character but the unreserved ones percent-encoded; a typed URL is only normalised. */
    static String urlEscaper(String s, HtmlEscaping.Typed.Kind kind) {
        return url(s, kind == HtmlEscaping.Typed.Kind.URL);
    }

    /**
     * Go's urlProcessor: percent-encodes (lower-case hex) the UTF-8 bytes a URL may not hold;
     * {@code norm} keeps reserved characters and valid escapes.
     */
    private static String url(String s, boolean norm) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(bytes.length + 16);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            boolean keep;
            if ("!#$&*+,/:;=?@[]".indexOf(c) >= 0 && c < 0x80) {
                keep = norm;
            } else if (c == '-' || c == '.' || c == '_' || c == '~') {
                keep = true;
            } else if (c == '%') {
                keep = norm && i + 2 < bytes.length && CssEscapers.isHex(bytes[i + 1]) && CssEscapers.isHex(bytes[i + 2]);
            } else {
                keep = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            }
            if (keep) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
            }
        }
        return b.toString();
    }

    /**
     * Go's srcsetFilterAndEscaper: a typed URL is normalised with its commas encoded; any other
     * value is split at commas and each image candidate's URL filtered ({@code #ZgotmplZ} for an
     * unsafe scheme or metadata other than spaces and ASCII letters and digits) and normalised.
     */
    static String srcsetFilterAndEscaper(String s, HtmlEscaping.Typed.Kind kind) {
        if (kind == HtmlEscaping.Typed.Kind.URL) {
            return url(s, true).replace(",", "%2c");
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        int written = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ',') {
                srcsetCandidate(s, written, i, b);
                b.append(',');
                written = i + 1;
            }
        }
        srcsetCandidate(s, written, s.length(), b);
        return b.toString();
    }

    private static void srcsetCandidate(String s, int left, int right, StringBuilder b) {
        int start = left;
        while (start < right && isHtmlSpace(s.charAt(start))) {
            start++;
        }
        int end = right;
        for (int i = start; i < right; i++) {
            if (isHtmlSpace(s.charAt(i))) {
                end = i;
                break;
            }
        }
        String u = s.substring(start, end);
        if (isSafeUrl(u)) {
            boolean metadataOk = true;
            for (int i = end; i < right; i++) {
                char c = s.charAt(i);
                if (!(isHtmlSpace(c) || c < 0x80 && (c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'))) {
                    metadataOk = false;
                    break;
                }
            }
            if (metadataOk) {
                b.append(s, left, start).append(url(u, true)).append(s, end, right);
                return;
            }
        }
        b.append("#ZgotmplZ");
    }

    /** ASCII white space as WHATWG's infra defines it. */
    private static boolean isHtmlSpace(char c) {
        return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
    }
}
