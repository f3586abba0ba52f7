package io.promethium.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.RecordingHttpServer.Request;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestCertificates;
import io.promethium.testsupport.Peers;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Differential test of the notifiers against the real Alertmanager (Debian's
 * {@code prometheus-alertmanager}, 0.25): the same {@code alertmanager.yml}, with every
 * integration's API URL pointed at a loopback recorder of its own (one per server), and the same
 * alert, firing then resolved, are given to both; the recorded requests of each integration are
 * then compared: method, path, query parameters (decoded), {@code Content-Type} and {@code Authorization}, and the
 * JSON body field by field. Both run with the same external URL and receive identical alert
 * times, so nothing needs normalising but the name the default templates give the sender
 * ({@code __alertmanager}: "Alertmanager" there, "Promethium" here) and the User-Agent (not
 * compared). Where Promethium follows a newer Alertmanager than 0.25, the difference is listed in
 * {@link #KNOWN} with its reason (and in plugins-notifiers/README.md); any other difference fails.
 *
 * <p>Pushover's API URL is fixed in both ({@code https://api.pushover.net/1/messages.json}, no
 * setting changes it), so each server's {@code http_config} sends it through a loopback
 * {@link TunnelProxy} ({@code proxy_url}) whose CONNECT tunnel ends at an HTTPS recorder trusted
 * through {@code tls_config} ({@code ca_file}, {@code server_name: localhost}): the request itself is
 * the one the service would get, and the CONNECT target is checked to be {@code api.pushover.net:443}.
 * Email goes to a GreenMail SMTP server per side; the one message each (email's
 * {@code send_resolved} is false by default) is compared by {@link MailShape}: From, To, Subject,
 * a custom header, the multipart structure and each part's decoded text (Date, Message-Id and the
 * boundary left out); the HTML body is Alertmanager's own {@code email.default.html} on both sides,
 * compared whole. The alert's annotation holds {@code < > & ' +} so that the HTML escaping of the
 * email body and of Telegram's {@code parse_mode: HTML} message (Go's html/template) is compared
 * too. msteams, msteamsv2, rocketchat, mattermost, jira and incidentio came after
 * 0.25 and have loopback tests only.
 * SNS's form-encoded Publish body is compared whole; its SigV4 {@code Authorization} header is
 * compared with the signature and the date taken out (both depend on the time of sending; the
 * signer is checked against AWS's test suite in kernel/lib/sigv4).
 */
class NotifierDifferentialIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String EXTERNAL = "http://am.example";

    /** Integration → path prefix of its requests on the recorders. */
    private static final Map<String, String> INTEGRATIONS = new TreeMap<>(Map.of(
            "discord", "/discord/", "opsgenie", "/opsgenie/", "pagerduty", "/pagerduty/", "slack", "/slack/",
            "telegram", "/telegram/", "victorops", "/victorops/", "webex", "/webex/", "webhook", "/webhook/",
            "wechat", "/wechat/", "sns", "/sns/"));

    /**
     * Differences from 0.25, by integration and JSON path ("header:NAME" for a header), with why:
     * each follows Alertmanager's newest release or is Promethium's own choice, as the README says.
     */
    static final Map<String, Map<String, String>> KNOWN = Map.of(
            "pushover", Map.of("?device", "Alertmanager 0.26 added device; the newest release sends the parameter, empty when unset"),
            "webhook", Map.of("/notification_reason", "Alertmanager 0.34 added notification_reason (and routeLabels, {} here as the"
                    + " route has no labels, so no field to compare)"));

    private static RecordingHttpServer amRecorder;
    private static RecordingHttpServer ourRecorder;
    private static Side amSide;
    private static Side ourSide;
    private static ServerProcess promethium;
    private static Process alertmanager;
    private static Path amDir;

    private static String config(RecordingHttpServer r, Side side) {
        return """
                global:
                  smtp_smarthost: 127.0.0.1:%2$d
                  smtp_from: alerts@example.org
                  smtp_require_tls: false
                  opsgenie_api_url: %1$s/opsgenie/
                  victorops_api_url: %1$s/victorops/
                  telegram_api_url: %1$s/telegram
                  webex_api_url: %1$s/webex/v1/messages
                  pagerduty_url: %1$s/pagerduty/v2/enqueue
                  slack_api_url: %1$s/slack/services/T0/B0/X
                route:
                  receiver: all
                  group_by: [alertname]
                  group_wait: 1s
                  group_interval: 2s
                  repeat_interval: 1h
                receivers:
                - name: all
                  opsgenie_configs:
                  - api_key: og-key
                    responders: [{name: ops, type: team}, {name: "a,b", type: teams}]
                    tags: "a,b"
                    priority: P2
                    note: "note {{ .Status }}"
                    details: {x: "{{ .CommonLabels.instance }}"}
                  victorops_configs:
                  - api_key: vo-key
                    routing_key: rk
                    custom_fields: {team: infra}
                  telegram_configs:
                  - bot_token: tg-token
                    chat_id: 42
                    disable_notifications: true
                  discord_configs:
                  - webhook_url: %1$s/discord/api/webhooks/1/tok
                  webex_configs:
                  - room_id: room1
                    http_config: {authorization: {credentials: wx-token}}
                  pagerduty_configs:
                  - routing_key: 0123456789abcdef0123456789abcdef
                  slack_configs:
                  - channel: '#ops'
                  webhook_configs:
                  - url: %1$s/webhook/hook
                  sns_configs:
                  - api_url: %1$s/sns/
                    topic_arn: arn:aws:sns:us-east-1:123456789012:alerts
                    sigv4: {region: us-east-1, access_key: AKIDEXAMPLE, secret_key: sns-secret}
                    attributes: {severity: "{{ .CommonLabels.alertname }}"}
                  wechat_configs:
                  - api_url: %1$s/wechat/cgi-bin/
                    api_secret: wc-secret
                    corp_id: corp1
                    to_user: u1
                    agent_id: "1000002"
                    send_resolved: true
                  pushover_configs:
                  - user_key: po-user
                    token: po-token
                    http_config:
                      proxy_url: http://127.0.0.1:%3$d
                      tls_config: {ca_file: %4$s, server_name: localhost}
                  email_configs:
                  - to: ops@example.org, oncall@example.org
                    headers: {X-Team: infra}
                """.formatted(r.url(""), side.mail.getSmtp().getPort(), side.tunnel.port(), side.ca);
    }

    /**
     * What one server sends to besides its HTTP recorder: Pushover's fixed API URL reached through
     * a CONNECT tunnel to an HTTPS recorder (its certificate names {@code localhost}, hence
     * {@code server_name}), and a GreenMail SMTP server.
     */
    private record Side(RecordingHttpServer pushover, TunnelProxy tunnel, GreenMail mail, Path ca) {

        static Side start(TestCertificates certificates) throws Exception {
            RecordingHttpServer pushover = RecordingHttpServer.https(certificates.serverContext());
            pushover.on("/1/", q -> Response.of(200, "application/json", "{\"status\":1,\"request\":\"r1\"}"));
            GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
            mail.start();
            return new Side(pushover, new TunnelProxy(pushover.port()), mail, certificates.caPem());
        }

        void close() throws IOException {
            tunnel.close();
            pushover.close();
            mail.stop();
        }
    }

    private static RecordingHttpServer recorder() throws IOException {
        RecordingHttpServer r = RecordingHttpServer.http();
        r.on("/slack/", q -> Response.of(200, "text/plain", "ok"));
        r.on("/telegram/", q -> Response.of(200, "application/json",
                "{\"ok\":true,\"result\":{\"message_id\":1,\"chat\":{\"id\":42,\"type\":\"private\"},\"date\":0,\"text\":\"x\"}}"));
        r.on("/pagerduty/", q -> Response.of(202, "application/json", "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"k\"}"));
        r.on("/opsgenie/", q -> Response.of(202, "application/json", "{\"result\":\"Request will be processed\",\"requestId\":\"r\"}"));
        r.on("/sns/", q -> Response.of(200, "text/xml", "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                + "<PublishResult><MessageId>m1</MessageId></PublishResult><ResponseMetadata><RequestId>r1</RequestId>"
                + "</ResponseMetadata></PublishResponse>"));
        r.on("/wechat/", q -> Response.of(200, "application/json", "{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"at1\"}"));
        return r;
    }

    @BeforeAll
    static void runBoth() throws Exception {
        Path binary = Peers.require("prometheus-alertmanager");
        amRecorder = recorder();
        ourRecorder = recorder();
        amDir = Files.createTempDirectory("am025-");
        TestCertificates certificates = TestCertificates.create(Files.createDirectories(amDir.resolve("tls")));
        amSide = Side.start(certificates);
        ourSide = Side.start(certificates);
        Files.writeString(amDir.resolve("alertmanager.yml"), config(amRecorder, amSide));
        int amPort = ServerProcess.freePort();
        alertmanager = new ProcessBuilder(binary.toString(), "--config.file=" + amDir.resolve("alertmanager.yml"),
                "--storage.path=" + amDir.resolve("data"), "--web.listen-address=127.0.0.1:" + amPort,
                "--cluster.listen-address=", "--web.external-url=" + EXTERNAL)
                .redirectErrorStream(true).redirectOutput(amDir.resolve("am.log").toFile()).start();

        promethium = ServerProcess.prepare();
        Files.writeString(promethium.home.resolve("conf/alertmanager.yml"), config(ourRecorder, ourSide));
        promethium.start("--alertmanager.config.file=conf/alertmanager.yml", "--web.external-url=" + EXTERNAL).awaitReady();
        URI amAlerts = URI.create("http://127.0.0.1:" + amPort + "/api/v2/alerts");
        URI ourAlerts = promethium.uri("/api/v2/alerts");
        awaitUp(URI.create("http://127.0.0.1:" + amPort + "/-/ready"));

        Instant start = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        String firing = alert(start, null);
        post(amAlerts, firing);
        post(ourAlerts, firing);
        // One request per integration, and WeChat's access token first.
        int firingCount = INTEGRATIONS.size() + 1;
        await(firingCount);
        amSide.pushover.await(1, Duration.ofSeconds(40));
        ourSide.pushover.await(1, Duration.ofSeconds(40));
        // Email's send_resolved is false by default: one message each, to two recipients.
        assertThat(awaitMail(amSide.mail, 2, Duration.ofSeconds(40))).as("Alertmanager 0.25's email").isTrue();
        boolean ourMail = awaitMail(ourSide.mail, 2, Duration.ofSeconds(40));
        // On a failure the server's log says what the email integration did.
        assertThat(ourMail).as("Promethium's email (%d received); server log:%n%s", ourSide.mail.getReceivedMessages().length,
                ourMail ? "" : promethium.output()).isTrue();
        // Resolved: the same alert with an end (slack's send_resolved is false by default, the others' true).
        String resolved = alert(start, Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS));
        post(amAlerts, resolved);
        post(ourAlerts, resolved);
        await(firingCount + INTEGRATIONS.size() - 1); // WeChat keeps its token
        amSide.pushover.await(2, Duration.ofSeconds(40));
        ourSide.pushover.await(2, Duration.ofSeconds(40));
        Thread.sleep(3000); // a late retry or duplicate would show now
    }

    /**
     * Polls the messages GreenMail holds. Its {@code waitForIncomingEmail} missed messages that
     * arrived while another server's wait was running: it answered false after 90 s with both
     * messages already received.
     */
    private static boolean awaitMail(GreenMail mail, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (mail.getReceivedMessages().length < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    private static String alert(Instant start, Instant end) {
        return "[{\"labels\":{\"alertname\":\"DiskFull\",\"instance\":\"db1\",\"severity\":\"critical\"},"
                + "\"annotations\":{\"summary\":\"disk 97% full <db1> & 'x+y'\"},\"startsAt\":\"" + start + "\""
                + (end == null ? "" : ",\"endsAt\":\"" + end + "\"") + ",\"generatorURL\":\"http://prom/graph\"}]";
    }

    private static void post(URI uri, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(uri + ": " + r.body()).isEqualTo(200);
    }

    private static void awaitUp(URI ready) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Alertmanager 0.25 not ready:\n" + Files.readString(amDir.resolve("am.log")));
    }

    private static void await(int n) throws Exception {
        amRecorder.await(n, Duration.ofSeconds(40));
        ourRecorder.await(n, Duration.ofSeconds(40));
    }

    @AfterAll
    static void stopBoth() throws IOException {
        if (alertmanager != null) {
            alertmanager.destroy();
        }
        if (promethium != null) {
            promethium.close();
        }
        if (amRecorder != null) {
            amRecorder.close();
        }
        for (Side side : new Side[] {amSide, ourSide}) {
            if (side != null) {
                side.close();
            }
        }
        if (ourRecorder != null) {
            ourRecorder.close();
        }
        if (amDir != null) {
            ServerProcess.deleteTree(amDir);
        }
    }

    @org.junit.jupiter.api.Test
    void checkAlertmanagerConfigAcceptsTheNewReceivers() throws Exception {
        ServerProcess.Result r = promethium.runToCompletion("check", "alertmanager-config", "conf/alertmanager.yml");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @TestFactory
    Stream<DynamicTest> eachIntegrationSendsWhatAlertmanagerSends() {
        Stream<DynamicTest> http = INTEGRATIONS.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(),
                () -> compare(e.getKey(), of(amRecorder, e.getValue()), of(ourRecorder, e.getValue()))));
        return Stream.concat(http, Stream.of(DynamicTest.dynamicTest("pushover", () -> {
            assertThat(amSide.tunnel.targets()).as("Alertmanager 0.25's CONNECT").containsOnly("api.pushover.net:443");
            assertThat(ourSide.tunnel.targets()).as("Promethium's CONNECT").containsOnly("api.pushover.net:443");
            compare("pushover", amSide.pushover.requests(), ourSide.pushover.requests());
        })));
    }

    @org.junit.jupiter.api.Test
    void emailSendsWhatAlertmanagerSends() throws Exception {
        // GreenMail keeps one copy per recipient: the one message, delivered to both addresses.
        MimeMessage[] theirs = amSide.mail.getReceivedMessages();
        MimeMessage[] ours = ourSide.mail.getReceivedMessages();
        assertThat(theirs).as("Alertmanager 0.25's copies").hasSize(2);
        assertThat(ours).as("Promethium's copies").hasSize(2);
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (int i = 0; i < theirs.length; i++) {
            Map<String, String> a = MailShape.of(theirs[i]);
            Map<String, String> b = MailShape.of(ours[i]);
            compared += a.size();
            for (String path : union(a, b)) {
                String x = a.get(path);
                String y = b.get(path);
                if ((x == null ? y != null : !x.equals(y)) && !KNOWN.getOrDefault("email", Map.of()).containsKey(path)) {
                    differences.add("copy " + i + " " + path + ":\n  " + x + "\nvs\n  " + y);
                }
            }
        }
        System.out.printf("email: 2 copies from each, %d fields compared%n", compared);
        assertThat(differences).as("email: Alertmanager 0.25 vs Promethium").isEmpty();
    }

    private static List<Request> of(RecordingHttpServer r, String prefix) {
        return r.requests().stream().filter(q -> q.path().startsWith(prefix)).toList();
    }

    private static void compare(String integration, List<Request> theirs, List<Request> ours) throws Exception {
        assertThat(theirs).as("Alertmanager 0.25's %s requests", integration).isNotEmpty();
        List<String> differences = new ArrayList<>();
        int compared = 0;
        if (theirs.size() != ours.size()) {
            differences.add("requests: " + theirs.size() + " from Alertmanager, " + ours.size() + " from Promethium: "
                    + theirs.stream().map(q -> q.method() + " " + q.uri()).toList() + " vs "
                    + ours.stream().map(q -> q.method() + " " + q.uri()).toList());
        }
        for (int i = 0; i < Math.min(theirs.size(), ours.size()); i++) {
            Request a = theirs.get(i);
            Request b = ours.get(i);
            String at = "request " + i + " ";
            if (!a.method().equals(b.method()) || !a.path().equals(b.path())) {
                differences.add(at + a.method() + " " + a.uri() + " vs " + b.method() + " " + b.uri());
            }
            for (String header : List.of("Content-Type", "Authorization")) {
                String x = unsigned(a.header(header));
                String y = unsigned(b.header(header));
                if (x == null ? y != null : !x.equals(y)) {
                    differences.add(at + "header:" + header + ": " + x + " vs " + y);
                }
            }
            Map<String, String> fa = flatten(a);
            Map<String, String> fb = flatten(b);
            compared += fa.size();
            for (String path : union(fa, fb)) {
                String x = fa.get(path);
                String y = fb.get(path);
                if (x == null ? y != null : !x.equals(y)) {
                    if (!KNOWN.getOrDefault(integration, Map.of()).containsKey(path)) {
                        differences.add(at + path + ": " + x + " vs " + y);
                    }
                }
            }
        }
        System.out.printf("%s: %d requests from each, %d body fields compared%n", integration, theirs.size(), compared);
        assertThat(compared).as("%s: body fields compared", integration).isPositive();
        assertThat(differences).as("%s: Alertmanager 0.25 vs Promethium", integration).isEmpty();
    }

    /** A SigV4 {@code Authorization} without what depends on the time of sending: the date of its scope and the signature. */
    private static String unsigned(String header) {
        return header == null ? null : header.replaceAll("Signature=[0-9a-f]{64}", "Signature=<signature>")
                .replaceAll("Credential=([^/]+)/\\d{8}/", "Credential=$1/<date>/");
    }

    private static List<String> union(Map<String, String> a, Map<String, String> b) {
        TreeMap<String, String> all = new TreeMap<>(a);
        all.putAll(b);
        return new ArrayList<>(all.keySet());
    }

    /** The body's fields by JSON path (a non-JSON body as one field), the sender's name normalised. */
    private static Map<String, String> flatten(Request r) throws IOException {
        Map<String, String> out = new TreeMap<>();
        // The query's parameters one by one, decoded: Go and Java escape a few characters differently.
        String query = r.uri().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
                out.merge("?" + name, value.replace("Alertmanager", "<sender>").replace("Promethium", "<sender>"), (x, y) -> x + "&" + y);
            }
        }
        String text = r.text().replace("Alertmanager", "<sender>").replace("Promethium", "<sender>");
        if (text.isBlank()) {
            return out;
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (IOException e) {
            out.put("body", text);
            return out;
        }
        flatten("", node, out);
        return out;
    }

    private static void flatten(String path, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(path + "/" + e.getKey(), e.getValue(), out);
            }
        } else if (node.isArray()) {
            out.put(path + "#", Integer.toString(node.size()));
            for (int i = 0; i < node.size(); i++) {
                flatten(path + "/" + i, node.get(i), out);
            }
        } else {
            out.put(path, node.toString());
        }
    }
}
