package io.promethium.api.notify;

import io.promethium.api.model.Labels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON body Alertmanager's webhook and incident.io integrations post: its
 * {@code template.Data} (receiver, status, alerts, {@code notification_reason}, group and common
 * labels, common annotations, {@code routeLabels}, external URL) followed by {@code version},
 * {@code groupKey} and {@code truncatedAlerts}, byte for byte as the newest Alertmanager's Go
 * {@code json.Encoder} writes it: fields in that order, none omitted, label maps sorted by name in
 * UTF-8 byte order, {@code <}, {@code >} and {@code &} escaped, times in RFC 3339 with trailing
 * zeros of the fraction dropped, a firing alert's {@code endsAt} Go's zero time, the receiver's
 * name escaped as {@code regexp.QuoteMeta} escapes it (as {@code template.Data} carries it), and
 * a final newline.
 *
 * <p>The api depends on nothing, so the JSON is written here rather than by a JSON library; the
 * string rules are Go's {@code encoding/json} ones.
 *
 * @since 1.7
 */
public final class WebhookMessage {

    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final String QUOTE_META = "\\.+*?()|[]{}^$";

    private WebhookMessage() {
    }

    /**
     * The body for {@code alerts} of {@code n} (the caller has cut them to its {@code max_alerts}).
     *
     * @param version the protocol version: {@code "4"} for the webhook, {@code "1"} for incident.io
     * @param truncatedAlerts how many alerts of {@code n} were left out
     */
    public static byte[] encode(Notification n, List<Alert> alerts, String version, long truncatedAlerts) {
        StringBuilder sb = new StringBuilder(512 + 256 * alerts.size());
        sb.append("{\"receiver\":");
        string(sb, quoteMeta(n.receiver()));
        sb.append(",\"status\":\"").append(n.firing() ? "firing" : "resolved").append("\",\"alerts\":[");
        for (int i = 0; i < alerts.size(); i++) {
            Alert a = alerts.get(i);
            boolean resolved = a.endsAt() != null;
            sb.append(i == 0 ? "{" : ",{").append("\"status\":\"").append(resolved ? "resolved" : "firing").append("\",\"labels\":");
            kv(sb, a.labels());
            sb.append(",\"annotations\":");
            kv(sb, a.annotations());
            sb.append(",\"startsAt\":\"").append(time(a.startsAt())).append("\",\"endsAt\":\"")
                    .append(resolved ? time(a.endsAt()) : ZERO_TIME).append("\",\"generatorURL\":");
            string(sb, a.generatorUrl());
            sb.append(",\"fingerprint\":\"").append(a.fingerprint()).append("\"}");
        }
        sb.append("],\"notification_reason\":");
        string(sb, n.reason().text());
        sb.append(",\"groupLabels\":");
        kv(sb, n.groupLabels());
        sb.append(",\"commonLabels\":");
        kv(sb, n.commonLabels());
        sb.append(",\"commonAnnotations\":");
        kv(sb, n.commonAnnotations());
        sb.append(",\"routeLabels\":");
        kv(sb, n.routeLabels());
        sb.append(",\"externalURL\":");
        string(sb, n.externalUrl());
        sb.append(",\"version\":");
        string(sb, version);
        sb.append(",\"groupKey\":");
        string(sb, n.groupKey());
        sb.append(",\"truncatedAlerts\":").append(truncatedAlerts).append("}\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Go's {@code time.Time} in JSON (RFC 3339 with nanoseconds, trailing zeros dropped), in UTC. */
    public static String time(Instant t) {
        StringBuilder sb = new StringBuilder(30).append(SECONDS.format(t));
        int nanos = t.getNano();
        if (nanos != 0) {
            String f = Integer.toString(1_000_000_000 + nanos).substring(1);
            int end = f.length();
            while (f.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(f, 0, end);
        }
        return sb.append('Z').toString();
    }

    /** Go's {@code regexp.QuoteMeta}: a backslash before each of {@code \.+*?()|[]{}^$}. */
    public static String quoteMeta(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (QUOTE_META.indexOf(c) >= 0) {
                if (sb == null) {
                    sb = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                sb.append('\\');
            }
            if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** A Go map of strings: keys in byte order of their UTF-8, which is code point order. */
    private static void kv(StringBuilder sb, Labels labels) {
        List<String[]> pairs = new ArrayList<>(labels.size());
        labels.forEach((k, v) -> pairs.add(new String[] {k, v}));
        pairs.sort((x, y) -> Runes.compare(x[0], y[0]));
        sb.append('{');
        for (int i = 0; i < pairs.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, pairs.get(i)[0]);
            sb.append(':');
            string(sb, pairs.get(i)[1]);
        }
        sb.append('}');
    }

    /** Go's {@code encoding/json} string with HTML escaping, its default (also in {@code GoStrings} of the library tier). */
    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '<', '>', '&', '\u2028', '\u2029' -> unicodeEscape(sb, c);
                default -> {
                    if (c < 0x20) {
                        unicodeEscape(sb, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        sb.append('\uFFFD'); // Go: an invalid UTF-8 byte
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static void unicodeEscape(StringBuilder sb, char c) {
        sb.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
    }
}
