package io.promethium.api.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Labels;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What Go's {@code encoding/json} and Alertmanager's {@code template.Data} do that a JSON library would not. */
class WebhookMessageTest {

    @Test
    void timesAreGoRfc3339NanoWithTrailingZerosDropped() {
        assertThat(WebhookMessage.time(Instant.parse("2024-01-01T00:00:00Z"))).isEqualTo("2024-01-01T00:00:00Z");
        assertThat(WebhookMessage.time(Instant.parse("2024-01-01T00:00:00.500Z"))).isEqualTo("2024-01-01T00:00:00.5Z");
        assertThat(WebhookMessage.time(Instant.parse("2024-01-01T00:00:00.000000120Z"))).isEqualTo("2024-01-01T00:00:00.00000012Z");
    }

    @Test
    void receiverIsQuoteMetaEscapedAsTemplateDataCarriesIt() {
        assertThat(WebhookMessage.quoteMeta("team-a")).isEqualTo("team-a");
        assertThat(WebhookMessage.quoteMeta("a.b+c*(d)|[e]{f}^$\\?")).isEqualTo("a\\.b\\+c\\*\\(d\\)\\|\\[e\\]\\{f\\}\\^\\$\\\\\\?");
    }

    @Test
    void utf8LabelNamesAreWrittenAsIsAndSortedByUtf8Bytes() {
        // U+FF21 sorts before U+1F600 in UTF-8 bytes (EF.. < F0..) but after it in UTF-16 (FF21 > D83D).
        Labels route = Labels.of("\uFF21", "1", "\uD83D\uDE00", "2", "service.name", "pg");
        Notification n = new Notification("r", true, List.of(), Labels.EMPTY, Labels.EMPTY, Labels.EMPTY, "", "k", route,
                Notification.Reason.REPEAT_INTERVAL_ELAPSED);
        String body = new String(WebhookMessage.encode(n, List.of(), "4", 0), StandardCharsets.UTF_8);
        assertThat(body).contains("\"routeLabels\":{\"service.name\":\"pg\",\"\uFF21\":\"1\",\"\uD83D\uDE00\":\"2\"}")
                .contains("\"notification_reason\":\"repeat interval elapsed\"").endsWith("}\n");
    }

    @Test
    void controlAndHtmlCharactersAreEscapedAsGoEscapesThem() {
        Notification n = new Notification("r", false, List.of(), Labels.EMPTY, Labels.EMPTY, Labels.EMPTY,
                "http://x/?a=1&b=<2>\u2028\b\f\u0001", "k");
        String body = new String(WebhookMessage.encode(n, List.of(), "4", 0), StandardCharsets.UTF_8);
        assertThat(body).contains("\"externalURL\":\"http://x/?a=1\\u0026b=\\u003c2\\u003e\\u2028\\b\\f\\u0001\"")
                .contains("\"status\":\"resolved\"");
    }
}
