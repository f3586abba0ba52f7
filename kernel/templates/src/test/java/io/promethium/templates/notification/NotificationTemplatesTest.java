package io.promethium.templates.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.NotifyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotificationTemplatesTest {

    private static final Instant NOW = Instant.parse("2024-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static Notification notification() {
        Alert a = new Alert(Labels.of("alertname", "HighLoad", "instance", "a:9100", "job", "node", "severity", "page"),
                Labels.of("summary", "load is high"), Instant.parse("2024-03-01T11:00:00Z"), null, "http://prom/graph");
        Alert b = new Alert(Labels.of("alertname", "HighLoad", "instance", "b:9100", "job", "node", "severity", "page"),
                Labels.EMPTY, Instant.parse("2024-03-01T11:30:00Z"), Instant.parse("2024-03-01T11:50:00Z"), "");
        return new Notification("team-x", true, List.of(a, b), Labels.of("alertname", "HighLoad"),
                Labels.of("alertname", "HighLoad", "job", "node", "severity", "page"), Labels.EMPTY, "http://am:9093",
                "{}:{alertname=\"HighLoad\"}");
    }

    private static NotificationTemplates defaults() throws ConfigException {
        return NotificationTemplates.load(List.of(), CLOCK);
    }

    @Test
    void theDefaultEmailHtmlPassesGosEscapingPassAndRenders() throws Exception {
        String html = defaults().renderHtml("{{ template \"email.default.html\" . }}", notification());
        assertThat(html).contains("<a href=\"http://prom/graph\"").contains("HighLoad");
        for (String name : List.of("telegram.default.message", "pushover.default.message", "pushover.default.title")) {
            assertThat(defaults().renderHtml("{{ template \"" + name + "\" . }}", notification())).as(name).contains("HighLoad");
        }
    }

    @Test
    void anHtmlTemplateGoRefusesIsRefusedWhateverTheData() throws Exception {
        assertThatThrownBy(() -> defaults().renderHtml("{{ if .Alerts.Firing }}<a href=\"{{ else }}<b>{{ end }}", notification()))
                .isInstanceOf(NotifyException.class)
                .hasMessageContaining("html/template:text:1:6: {{if}} branches end in different contexts");
    }

    @Test
    void subjectHasAlertmanagersShape() throws Exception {
        assertThat(defaults().render("{{ template \"__subject\" . }}", notification()))
                .isEqualTo("[FIRING:1] HighLoad (node page)");
    }

    @Test
    void alertsSplitIntoFiringAndResolved() throws Exception {
        String text = "{{ range .Alerts.Firing }}{{ .Labels.instance }} {{ end }}|{{ range .Alerts.Resolved }}{{ .Labels.instance }}"
                + " {{ .Status }} {{ .EndsAt }}{{ end }}";
        assertThat(defaults().render(text, notification())).isEqualTo("a:9100 |b:9100 resolved 2024-03-01 11:50:00 +0000 UTC");
    }

    @Test
    void textAlertListListsLabelsAndAnnotations() throws Exception {
        String out = defaults().render("{{ template \"__text_alert_list\" .Alerts.Firing }}", notification());
        assertThat(out).isEqualTo("Labels:\n - alertname = HighLoad\n - instance = a:9100\n - job = node\n - severity = page\n"
                + "Annotations:\n - summary = load is high\nSource: http://prom/graph\n");
    }

    @Test
    void alertmanagerFunctionsWork() throws Exception {
        NotificationTemplates t = defaults();
        Notification n = notification();
        assertThat(t.render("{{ .Receiver | toUpper }} {{ stringSlice \"a\" \"b\" | join \",\" }}", n)).isEqualTo("TEAM-X a,b");
        assertThat(t.render("{{ reReplaceAll \"(.*):.*\" \"$1\" \"host:9100\" }}", n)).isEqualTo("host");
        assertThat(t.render("{{ (index .Alerts 0).StartsAt | date \"2006-01-02T15:04 MST\" }}", n)).isEqualTo("2024-03-01T11:00 UTC");
        assertThat(t.render("{{ (index .Alerts 0).StartsAt | tz \"Europe/Berlin\" | date \"15:04 -07:00\" }}", n))
                .isEqualTo("12:00 +01:00");
        assertThat(t.render("{{ \"<b>\" | safeHtml }} {{ .CommonLabels.SortedPairs.Names | join \" \" }}", n))
                .isEqualTo("<b> alertname job severity");
        assertThat(t.render("{{ .CommonLabels.Remove .GroupLabels.Names | len }} {{ .Status | title }}", n)).isEqualTo("2 Firing");
        assertThat(t.render("{{ toJson (dict \"a\" 1) }} {{ list 1 2 | len }}", n)).isEqualTo("{\"a\":1} 2");
    }

    /** Alertmanager's {@code Template.Data} sets {@code Receiver: regexp.QuoteMeta(recv)}. */
    @Test
    void receiverIsRegexpQuoteMetaEscapedAsAlertmanagersTemplateDataCarriesIt() throws Exception {
        NotificationTemplates t = defaults();
        Notification n = notification();
        Notification dotted = new Notification("team.db+(eu)", true, n.alerts(), n.groupLabels(), n.commonLabels(),
                n.commonAnnotations(), n.externalUrl(), n.groupKey());
        assertThat(t.render("{{ .Receiver }}", dotted)).isEqualTo("team\\.db\\+\\(eu\\)");
        assertThat(t.render("{{ template \"__alertmanagerURL\" . }}", dotted))
                .isEqualTo("http://am:9093/#/alerts?receiver=team%5C.db%5C%2B%5C%28eu%5C%29");
        assertThat(t.renderRouteLabels(Labels.of("via", "{{ .Receiver }}"), dotted, (l, e) -> { }).get("via"))
                .isEqualTo("team\\.db\\+\\(eu\\)");
    }

    @Test
    void sortedPairsPrintWithAlertmanagersStringMethod() throws Exception {
        assertThat(defaults().render("{{ .CommonLabels.SortedPairs }}", notification())).isEqualTo("alertname=HighLoad, job=node, severity=page");
    }

    @Test
    void notificationReasonIsTheDispatchersInAlertmanagersWordsAndUnknownWhenNotGiven() throws Exception {
        NotificationTemplates t = defaults();
        assertThat(t.render("{{ .NotificationReason }}", notification())).isEqualTo("unknown");
        Notification repeat = notification().withReason(Notification.Reason.REPEAT_INTERVAL_ELAPSED);
        assertThat(t.render("{{ if eq .NotificationReason \"repeat interval elapsed\" }}again{{ end }}", repeat)).isEqualTo("again");
        // template.Data's JSON: notification_reason right after alerts, as Go encodes the struct.
        assertThat(t.render("{{ toJson . }}", repeat))
                .contains("}],\"notification_reason\":\"repeat interval elapsed\",\"groupLabels\":{");
    }

    @Test
    void toJsonWritesGoStructsWithTheirJsonNamesAndFloatsAsGoDoes() throws Exception {
        NotificationTemplates t = defaults();
        Notification n = notification();
        assertThat(t.render("{{ toJson .GroupLabels.SortedPairs }}", n)).isEqualTo("[{\"Name\":\"alertname\",\"Value\":\"HighLoad\"}]");
        assertThat(t.render("{{ toJson (index .Alerts 1).EndsAt }}", n)).isEqualTo("\"2024-03-01T11:50:00Z\"");
        assertThat(t.render("{{ toJson (index .Alerts 1) }}", n)).startsWith("{\"status\":\"resolved\",\"labels\":{\"alertname\":\"HighLoad\",");
        assertThat(t.render("{{ toJson . }}", n)).startsWith("{\"receiver\":\"team-x\",\"status\":\"firing\",\"alerts\":[{");
        assertThat(t.render("{{ toJson 0.000001 }} {{ toJson 1e21 }} {{ toJson 1e20 }} {{ toJson 0.0000001 }}", n))
                .isEqualTo("0.000001 1e+21 100000000000000000000 1e-7");
    }

    @Test
    void userTemplatesOverrideDefaultsAndSeeThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mine.tmpl");
        Files.writeString(file, "{{ define \"__alertmanager\" }}Ours{{ end }}{{ define \"my.title\" }}{{ template \"slack.default.username\" . }}: {{ .GroupLabels.alertname }}{{ end }}");
        NotificationTemplates t = NotificationTemplates.load(List.of(file), CLOCK);
        assertThat(t.render("{{ template \"my.title\" . }}", notification())).isEqualTo("Ours: HighLoad");
    }

    @Test
    void badTemplateFileNamesFileAndLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.tmpl");
        Files.writeString(file, "ok\n{{ define \"x\" }}{{ nosuchfunc }}{{ end }}");
        assertThatThrownBy(() -> NotificationTemplates.load(List.of(file), CLOCK))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bad.tmpl").hasMessageContaining(":2:")
                .hasMessageContaining("function \"nosuchfunc\" not defined");
    }

    @Test
    void missingTemplateIsANonRetryableFailure() throws Exception {
        assertThatThrownBy(() -> defaults().render("{{ template \"nope\" . }}", notification()))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("\"nope\" not defined");
    }

    @Test
    void prometheusFunctionsAreNotAlertmanagers() {
        assertThatThrownBy(() -> defaults().check("{{ humanize 1 }}")).hasMessageContaining("function \"humanize\" not defined");
    }

    @Test
    void everyIntegrationDefaultOfAlertmanagerRenders() throws Exception {
        NotificationTemplates t = defaults();
        for (String name : List.of("opsgenie.default.message", "opsgenie.default.description", "opsgenie.default.source",
                "wechat.default.message", "victorops.default.state_message", "victorops.default.entity_display_name",
                "pushover.default.title", "pushover.default.message", "pushover.default.url", "sns.default.subject",
                "sns.default.message", "telegram.default.message", "discord.default.title", "discord.default.message",
                "webex.default.message", "msteams.default.title", "msteams.default.text", "msteamsv2.default.title",
                "msteamsv2.default.text", "jira.default.summary", "jira.default.description", "rocketchat.default.title",
                "mattermost.default.text", "mattermost.default.fallback")) {
            assertThat(t.defines(name)).as(name).isTrue();
            assertThat(t.render("{{ template \"" + name + "\" . }}", notification())).as(name).isNotBlank();
        }
        assertThat(t.render("{{ template \"opsgenie.default.description\" . }}", notification()))
                .startsWith("\nAlerts Firing:\nLabels:\n - alertname = HighLoad\n");
    }

    @Test
    void jiraPriorityIsTheHighestSeverityOfTheFiringAlerts() throws Exception {
        Alert warning = new Alert(Labels.of("alertname", "A", "severity", "warning"), Labels.EMPTY,
                Instant.parse("2024-03-01T11:00:00Z"), null, "");
        Alert critical = new Alert(Labels.of("alertname", "B", "severity", "critical"), Labels.EMPTY,
                Instant.parse("2024-03-01T11:00:00Z"), null, "");
        Notification n = new Notification("r", true, List.of(warning, critical), Labels.EMPTY, Labels.EMPTY, Labels.EMPTY, "", "");
        assertThat(defaults().render("{{ template \"jira.default.priority\" . }}", n)).isEqualTo("High");
        Notification w = new Notification("r", true, List.of(warning), Labels.EMPTY, Labels.EMPTY, Labels.EMPTY, "", "");
        assertThat(defaults().render("{{ template \"jira.default.priority\" . }}", w)).isEqualTo("Medium");
    }
}
