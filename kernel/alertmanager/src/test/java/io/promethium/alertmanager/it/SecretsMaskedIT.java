package io.promethium.alertmanager.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.promethium.alertmanager.api.V2Server;
import io.promethium.alertmanager.runtime.AlertmanagerRuntime;
import io.promethium.api.testing.RoutesServer;
import io.promethium.notifiers.email.EmailNotifierFactory;
import io.promethium.notifiers.pagerduty.PagerDutyNotifierFactory;
import io.promethium.notifiers.slack.SlackNotifierFactory;
import io.promethium.notifiers.webhook.WebhookNotifierFactory;
import io.promethium.notifiers.xmatters.XMattersNotifierFactory;
import io.promethium.testsupport.Peers;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/v2/status} shows {@code config.original} with every secret as {@code <secret>}: the
 * global SMTP, Slack, OpsGenie, WeChat and VictorOps secrets, every notifier's declared secret
 * fields and the secrets of {@code http_config}, as Alertmanager does. The same file is given
 * to Debian's Alertmanager: every secret it masks, Promethium masks too. Promethium also masks
 * the webhook {@code url} (a SecretURL in newer Alertmanagers; 0.25 from Debian still shows it).
 */
class SecretsMaskedIT {

    private static final String COMMON = """
            global:
              smtp_smarthost: 'localhost:25'
              smtp_from: 'a@example.org'
              smtp_auth_username: u
              smtp_auth_password: S-global-smtp-password
              smtp_auth_secret: S-global-smtp-secret
              slack_api_url: 'http://slack.example/S-global-slack-url'
              opsgenie_api_key: S-global-opsgenie-key
              victorops_api_key: S-global-victorops-key
              wechat_api_secret: S-global-wechat-secret
              http_config:
                basic_auth: {username: u, password: S-global-http-password}
            route:
              receiver: r
            receivers:
              - name: r
                webhook_configs:
                  - url: 'http://hook.example/path?token=S-webhook-url'
                    http_config:
                      authorization: {credentials: S-webhook-credentials}
                      proxy_url: 'http://proxy.example:3128'
                      proxy_connect_header: {Proxy-Authorization: [S-proxy-header]}
                  - url: 'http://hook2.example/'
                    http_config:
                      oauth2: {client_id: id, client_secret: S-oauth2-secret, token_url: 'http://token.example/'}
                email_configs:
                  - to: x@example.org
                    auth_password: S-email-password
                    auth_secret: S-email-secret
                slack_configs:
                  - api_url: 'http://slack.example/S-slack-url'
                pagerduty_configs:
                  - routing_key: S-pagerduty-routing-key
                  - service_key: S-pagerduty-service-key
            """;

    private static final String XMATTERS = """
                xmatters_configs:
                  - url: 'http://xm.example/api/integration/1/functions/f/triggers'
                    api_key: S-xmatters-key
                  - url: 'http://xm.example/api/integration/1/functions/f/triggers'
                    basic_auth: {username: bot, password: S-xmatters-password}
            """;

    /** Newer Alertmanagers mask it; Debian's 0.25 shows it. */
    private static final String WEBHOOK_URL = "S-webhook-url";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void statusShowsEverySecretMaskedAndAtLeastWhatAlertmanagerMasks() throws Exception {
        Path program = Peers.require("prometheus-alertmanager");
        Path ours = dir.resolve("ours.yml");
        Files.writeString(ours, COMMON + XMATTERS);
        AlertmanagerRuntime runtime = new AlertmanagerRuntime(ours, dir.resolve("data"), Duration.ofHours(1), "http://prom", Clock.systemUTC());
        List.of(new WebhookNotifierFactory(), new EmailNotifierFactory(), new SlackNotifierFactory(), new PagerDutyNotifierFactory(),
                new XMattersNotifierFactory()).forEach(runtime::addFactory);
        String ourText;
        try (runtime; RoutesServer server = V2Server.start(() -> runtime)) {
            runtime.reload();
            ourText = original(server.url());
        }
        List<String> secrets = secrets(COMMON + XMATTERS);
        assertThat(secrets).hasSizeGreaterThan(15);
        for (String secret : secrets) {
            assertThat(ourText).as("ours shows %s", secret).doesNotContain(secret);
        }
        assertThat(ourText).contains("<secret>").contains("smtp_auth_username: u").contains("client_id: id")
                .contains("proxy_url: http://proxy.example:3128");

        Path theirs = dir.resolve("theirs.yml");
        Files.writeString(theirs, COMMON);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process alertmanager = new ProcessBuilder(program.toString(), "--config.file=" + theirs, "--storage.path=" + dir.resolve("am"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=", "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        String theirText;
        try {
            theirText = awaitOriginal("http://127.0.0.1:" + port);
        } finally {
            alertmanager.destroy();
            alertmanager.waitFor();
        }
        assertThat(theirText).contains("<secret>");
        for (String secret : secrets(COMMON)) {
            if (!secret.equals(WEBHOOK_URL)) {
                assertThat(theirText).as("Alertmanager masks %s too", secret).doesNotContain(secret);
            }
        }
    }

    /** The values planted as secrets: every word starting with {@code S-}. */
    private static List<String> secrets(String yaml) {
        return java.util.regex.Pattern.compile("S-[a-z0-9-]+").matcher(yaml).results().map(java.util.regex.MatchResult::group).toList();
    }

    private String original(String base) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body()).path("config").path("original").asText();
    }

    private String awaitOriginal(String base) throws Exception {
        Instant end = Instant.now().plusSeconds(20);
        while (true) {
            try {
                return original(base);
            } catch (java.io.IOException e) {
                if (Instant.now().isAfter(end)) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
