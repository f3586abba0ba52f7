package io.promethium.sigv4;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs requests for one region and service with AWS Signature Version 4 (header form): the
 * canonical request (method, URI-encoded path, sorted query, lower-cased sorted headers with
 * trimmed values, signed header names, hex SHA-256 of the body), the string to sign
 * ({@code AWS4-HMAC-SHA256}, time, scope, hash of the canonical request), the signing key (HMAC
 * chain of date, region, service, {@code aws4_request}) and the {@code Authorization} header.
 * Immutable and thread-safe.
 *
 * <p>Every header the caller passes is signed; pass {@code Host} (as the request will carry it:
 * {@code host:port} when the port is not the scheme's default) and the headers the service must
 * see unchanged ({@code Content-Type}). A verifier uses the same code: {@link #sign} with the
 * received request's headers named in {@code SignedHeaders} and its {@code X-Amz-Date}.
 */
public final class SigV4Signer {

    /** The signature algorithm's name, first line of the string to sign and of {@code Authorization}. */
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private final String region;
    private final String service;

    /** A signer for {@code region} ({@code us-east-1}) and {@code service} ({@code sns}). */
    public SigV4Signer(String region, String service) {
        this.region = Objects.requireNonNull(region, "region is null");
        this.service = Objects.requireNonNull(service, "service is null");
    }

    /**
     * What signing gave: the intermediate texts (for tests and for a verifier's error message)
     * and the headers to add to the request, in order ({@code X-Amz-Date},
     * {@code X-Amz-Security-Token} with temporary credentials, {@code X-Amz-Content-Sha256} when
     * asked, {@code Authorization}).
     */
    public record Signed(String canonicalRequest, String stringToSign, String signature, Map<String, String> headers) {

        /** The {@code Authorization} header's value. */
        public String authorization() {
            return headers.get("Authorization");
        }
    }

    /**
     * Signs a request.
     *
     * @param method the HTTP method
     * @param path the path as sent, decoded ({@code /}, {@code /a b}); empty is {@code /}
     * @param rawQuery the query as sent (percent-encoded or not), or null
     * @param headers the headers to sign, names in any case, a name may repeat
     * @param body the body, empty for none
     * @param credentials the keys
     * @param time the request time (becomes {@code X-Amz-Date})
     * @param contentSha256Header whether to add and sign {@code X-Amz-Content-Sha256} (S3 wants it; most services do not)
     */
    public Signed sign(String method, String path, String rawQuery, List<Map.Entry<String, String>> headers, byte[] body,
                       AwsCredentials credentials, Instant time, boolean contentSha256Header) {
        String amzDate = AMZ_DATE.format(time);
        String date = amzDate.substring(0, 8);
        String payloadHash = HEX.formatHex(sha256(body));
        Map<String, String> added = new LinkedHashMap<>();
        added.put("X-Amz-Date", amzDate);
        if (credentials.sessionToken() != null) {
            added.put("X-Amz-Security-Token", credentials.sessionToken());
        }
        if (contentSha256Header) {
            added.put("X-Amz-Content-Sha256", payloadHash);
        }
        List<Map.Entry<String, String>> all = new ArrayList<>(headers);
        all.addAll(added.entrySet());
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String canonical = canonicalRequest(method, path, rawQuery, all, payloadHash);
        String signedHeaders = signedHeaders(all);
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + HEX.formatHex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = HEX.formatHex(hmac(key, stringToSign));
        added.put("Authorization", ALGORITHM + " Credential=" + credentials.accessKeyId() + "/" + scope
                + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature);
        return new Signed(canonical, stringToSign, signature, java.util.Collections.unmodifiableMap(added));
    }

    /** The canonical request of AWS's step 1, {@code headers} all signed. */
    static String canonicalRequest(String method, String path, String rawQuery, List<Map.Entry<String, String>> headers,
                                   String payloadHash) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append('\n');
        sb.append(canonicalPath(path)).append('\n');
        sb.append(canonicalQuery(rawQuery)).append('\n');
        for (Map.Entry<String, List<String>> h : grouped(headers).entrySet()) {
            sb.append(h.getKey()).append(':').append(String.join(",", h.getValue())).append('\n');
        }
        sb.append('\n').append(signedHeaders(headers)).append('\n').append(payloadHash);
        return sb.toString();
    }

    private static String signedHeaders(List<Map.Entry<String, String>> headers) {
        return String.join(";", grouped(headers).keySet());
    }

    /** Lower-cased names, sorted; values trimmed, inner runs of spaces made one, repeated names in order. */
    private static TreeMap<String, List<String>> grouped(List<Map.Entry<String, String>> headers) {
        TreeMap<String, List<String>> out = new TreeMap<>();
        for (Map.Entry<String, String> h : headers) {
            out.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.getValue().strip().replaceAll(" +", " "));
        }
        return out;
    }

    /**
     * Each segment URI-encoded (slashes kept); dot segments and empty segments (repeated slashes, but
     * not a trailing one) removed, as the suite's normalised cases ({@code //example//} is {@code /example/}).
     */
    static String canonicalPath(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        List<String> segments = new ArrayList<>();
        String[] parts = path.split("/", -1);
        for (int i = 1; i < parts.length; i++) {
            String s = parts[i];
            if (s.equals(".") || s.isEmpty() && i < parts.length - 1) {
                continue;
            }
            if (s.equals("..")) {
                if (!segments.isEmpty()) {
                    segments.remove(segments.size() - 1);
                }
                continue;
            }
            segments.add(encode(s));
        }
        return "/" + String.join("/", segments);
    }

    /** Parameters decoded, then encoded AWS's way, sorted by name then value; a name without {@code =} has an empty value. */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> params = new ArrayList<>();
        for (String p : rawQuery.split("&")) {
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = eq < 0 ? p : p.substring(0, eq);
            String value = eq < 0 ? "" : p.substring(eq + 1);
            params.add(new String[] {encode(decode(name)), encode(decode(value))});
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder sb = new StringBuilder();
        for (String[] p : params) {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(p[0]).append('=').append(p[1]);
        }
        return sb.toString();
    }

    /** RFC 3986 percent-encoding of everything but the unreserved characters, upper-case hex, of the UTF-8 bytes. */
    public static String encode(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return sb.toString();
    }

    /** Percent-decoding (a {@code +} stays a plus: AWS does not read it as a space). */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length
                    && Character.digit(bytes[i + 1], 16) >= 0 && Character.digit(bytes[i + 2], 16) >= 0) {
                out.write(Character.digit(bytes[i + 1], 16) * 16 + Character.digit(bytes[i + 2], 16));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }
}
