package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.TestNotifierContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertmanagerTemplatesTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultTemplatesRenderAlertmanagersSubject() throws Exception {
        AlertmanagerTemplates t = AlertmanagerTemplates.defaults();
        assertThat(t.defines("slack.default.title")).isTrue();
        assertThat(t.render("{{ template \"__subject\" . }}", TestNotifications.diskFull(false)))
                .isEqualTo("[FIRING:1] DiskFull (db1)");
    }

    @Test
    void htmlRenderingEscapesValues() throws Exception {
        assertThat(AlertmanagerTemplates.defaults().renderHtml("<b>{{ .CommonLabels.alertname }}{{ \"<i>\" }}</b>",
                TestNotifications.diskFull(false))).isEqualTo("<b>DiskFull&lt;i&gt;</b>");
    }

    @Test
    void aTemplateThatDoesNotParseIsAConfigError() {
        assertThatThrownBy(() -> AlertmanagerTemplates.defaults().check("{{ .CommonLabels.alertname ")).isInstanceOf(ConfigException.class);
    }

    @Test
    void templateFilesOverlayTheDefaults() throws Exception {
        Path file = Files.writeString(dir.resolve("my.tmpl"), "{{ define \"my.title\" }}disk on {{ .CommonLabels.instance }}{{ end }}");
        AlertmanagerTemplates t = AlertmanagerTemplates.withFiles(List.of(file));
        assertThat(t.renderDefinition("my.title", TestNotifications.diskFull(false))).isEqualTo("disk on db1");
        assertThat(t.defines("__subject")).isTrue();
    }

    @Test
    void aNotifierContextFindsTheKitsTemplatesAndHttpClientsOnTheClassPath() throws Exception {
        try (TestNotifierContext context = new TestNotifierContext(dir, "team")) {
            assertThat(context.templates()).isInstanceOf(AlertmanagerTemplates.class);
            assertThat(context.httpClients()).isInstanceOf(HttpConfigClientFactory.class);
        }
    }
}
