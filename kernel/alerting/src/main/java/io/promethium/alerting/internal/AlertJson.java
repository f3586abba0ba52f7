package io.promethium.alerting.internal;

import io.promethium.goformat.GoStrings;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Alertmanager API v2's body for {@code POST /api/v2/alerts}: a JSON array of postable alerts
 * ({@code labels}, {@code annotations}, {@code startsAt}, {@code endsAt}, {@code generatorURL}),
 * times in RFC 3339 UTC.
 */
public final class AlertJson {

    private AlertJson() {
    }

    public static byte[] encode(List<Alert> alerts) {
        StringBuilder sb = new StringBuilder(256 * alerts.size() + 2);
        sb.append('[');
        for (int i = 0; i < alerts.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Alert a = alerts.get(i);
            sb.append("{\"labels\":");
            labels(sb, a.labels());
            sb.append(",\"annotations\":");
            labels(sb, a.annotations());
            sb.append(",\"startsAt\":\"").append(DateTimeFormatter.ISO_INSTANT.format(a.startsAt())).append('"');
            if (a.endsAt() != null) {
                sb.append(",\"endsAt\":\"").append(DateTimeFormatter.ISO_INSTANT.format(a.endsAt())).append('"');
            }
            sb.append(",\"generatorURL\":");
            string(sb, a.generatorUrl());
            sb.append('}');
        }
        return sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void labels(StringBuilder sb, Labels labels) {
        sb.append('{');
        for (int i = 0; i < labels.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, labels.name(i));
            sb.append(':');
            string(sb, labels.value(i));
        }
        sb.append('}');
    }

    static void string(StringBuilder sb, String s) {
        GoStrings.appendJson(sb, s, false);
    }
}
