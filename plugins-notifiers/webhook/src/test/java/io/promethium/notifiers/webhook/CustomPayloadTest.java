package io.promethium.notifiers.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.config.ConfigException;
import io.promethium.api.model.Labels;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.AlertmanagerTemplates;
import io.promethium.testkit.HttpConfigClientFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alertmanager 0.34's webhook {@code payload}, checked byte for byte against the bodies its own
 * tests ({@code notify/webhook/webhook_test.go}: TestWebhookCustomPayload*) expect for the same
 * payloads and alerts, with Alertmanager's real templates and a loopback recorder as the endpoint.
 */
class CustomPayloadTest {

    @TempDir
    Path dir;
    private RecordingHttpServer server;
    private TestNotifierContext context;

    @BeforeEach
    void start() throws Exception {
        server = RecordingHttpServer.http();
        context = new TestNotifierContext(dir, "test_receiver", new HttpConfigClientFactory(), AlertmanagerTemplates.defaults())
                .sendResolved(true);
    }

    @AfterEach
    void stop() throws Exception {
        context.close();
        server.close();
    }

    /** Alertmanager's test alert: alertname TestAlert, summary "Test summary". */
    private static Notification testAlert() {
        return of(Labels.of("alertname", "TestAlert"), Labels.of("summary", "Test summary"));
    }

    private static Notification of(Labels labels, Labels annotations) {
        Alert a = new Alert(labels, annotations, Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-01-01T01:00:00Z"),
                "http://generator.url");
        return new Notification("test_receiver", false, List.of(a), Labels.EMPTY, labels, annotations, "http://am",
                "{}:{alertname=\"test1\"}");
    }

    private String send(Object payload, Notification n) throws Exception {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("url", server.url("/hook"));
        c.put("payload", payload);
        Notifier notifier = context.notifier(new WebhookNotifierFactory(), c, "am.yml:5:9");
        notifier.send(n, Instant.now().plusSeconds(10));
        var requests = server.requests();
        var last = requests.get(requests.size() - 1);
        assertThat(last.header("Content-Type")).isEqualTo("application/json");
        return new String(last.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aMapPayloadIsRenderedAndATemplatedJsonStringBecomesItsValue() throws Exception {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("custom", "some custom content");
        payload.put("commonLabels", "{{ .CommonLabels  | toJson }}");
        assertThat(send(payload, testAlert()))
                .isEqualTo("{\"commonLabels\":{\"alertname\":\"TestAlert\"},\"custom\":\"some custom content\"}\n");
    }

    @Test
    void aListPayloadKeepsItsOrderAndSortsTheKeysOfEachMap() throws Exception {
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("custom", "some custom content");
        first.put("commonLabels", "{{ .CommonLabels | toJson }}");
        first.put("commonAnnotations", "{{ .CommonAnnotations | toJson }}");
        assertThat(send(List.of(first, Map.of("foo", "bar")), testAlert())).isEqualTo(
                "[{\"commonAnnotations\":{\"summary\":\"Test summary\"},\"commonLabels\":{\"alertname\":\"TestAlert\"},"
                        + "\"custom\":\"some custom content\"},{\"foo\":\"bar\"}]\n");
    }

    @Test
    void aStringPayloadRenderingToAYamlListBecomesThatList() throws Exception {
        assertThat(send("\n- commonLabels: {{ .CommonLabels | toJson }}\n- foo: bar\n", testAlert()))
                .isEqualTo("[{\"commonLabels\":{\"alertname\":\"TestAlert\"}},{\"foo\":\"bar\"}]\n");
    }

    @Test
    void aStringPayloadBuiltWithListDictAppendAndToJsonIsSentAsThatJson() throws Exception {
        String payload = """

                {{- $res := list -}}
                {{- range .Alerts -}}
                {{- $data := dict "foo" "bar" "commonLabels" .Labels -}}
                {{- $res = append  $res $data -}}
                {{- end -}}
                {{ toJson $res }}
                """;
        assertThat(send(payload, testAlert())).isEqualTo("[{\"commonLabels\":{\"alertname\":\"TestAlert\"},\"foo\":\"bar\"}]\n");
    }

    /** Alertmanager #5302: values of a parsed rendering are final, not read as YAML again. */
    @Test
    void labelValuesThatLookLikeYamlAreSentVerbatim() throws Exception {
        Labels labels = Labels.of("alertname", "test1", "id", "value1:", "num", "123", "truthy", "true", "empty", "null");
        String payload = """

                {{- $res := list -}}
                {{- range .Alerts -}}
                {{- $res = append $res .Labels -}}
                {{- end -}}
                {{ toJson $res }}
                """;
        assertThat(send(payload, of(labels, Labels.EMPTY)))
                .isEqualTo("[{\"alertname\":\"test1\",\"empty\":\"null\",\"id\":\"value1:\",\"num\":\"123\",\"truthy\":\"true\"}]\n");
    }

    /**
     * A rendered scalar is read as yaml.v2 reads it: numbers, YAML 1.1 booleans and null become
     * JSON values, a quoted or plain text stays the rendered text; keys are templates too;
     * numbers and booleans of the config pass through; {@code <>&} are escaped as Go escapes them.
     */
    @Test
    void renderedScalarsAreReadWithAlertmanagersYamlRules() throws Exception {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("count", "{{ len .Alerts }}");
        payload.put("yes", "yes");
        payload.put("hex", "0x1f");
        payload.put("float", "1.50");
        payload.put("nothing", "");
        payload.put("tilde", "~");
        payload.put("quoted", "'42'");
        payload.put("text", "{{ .Status }} <b>&</b>");
        payload.put("{{ .GroupLabels.alertname }}key", "v");
        payload.put("n", 7L);
        payload.put("flag", false);
        payload.put("date", "2020-01-01");
        payload.put("nested", Map.of("list", List.of("{{ .Receiver }}", 1.5)));
        Notification n = new Notification("test_receiver", false, testAlert().alerts(), Labels.of("alertname", "G"),
                Labels.of("alertname", "TestAlert"), Labels.EMPTY, "http://am", "{}:{}");
        assertThat(send(payload, n)).isEqualTo("{\"Gkey\":\"v\",\"count\":1,\"date\":\"2020-01-01\",\"flag\":false,"
                + "\"float\":1.5,\"hex\":31,\"n\":7,\"nested\":{\"list\":[\"test_receiver\",1.5]},\"nothing\":null,"
                + "\"quoted\":\"'42'\",\"text\":\"resolved \\u003cb\\u003e\\u0026\\u003c/b\\u003e\",\"tilde\":null,\"yes\":true}\n");
    }

    @Test
    void customPayloadIsRenderedWithTheAlertsLeftByMaxAlerts() throws Exception {
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            alerts.add(new Alert(Labels.of("alertname", "A", "i", Integer.toString(i)), Labels.EMPTY,
                    Instant.parse("2020-01-01T00:00:00Z"), null, "http://g"));
        }
        Notification n = new Notification("r", true, alerts, Labels.EMPTY, Labels.of("alertname", "A"), Labels.EMPTY, "", "{}");
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("url", server.url("/hook"));
        c.put("max_alerts", 2);
        c.put("payload", Map.of("alerts", "{{ len .Alerts }}"));
        context.notifier(new WebhookNotifierFactory(), c, "am.yml:5:9").send(n, Instant.now().plusSeconds(10));
        assertThat(new String(server.requests().get(0).body(), StandardCharsets.UTF_8)).isEqualTo("{\"alerts\":2}\n");
    }

    /**
     * Alertmanager 0.34 decodes {@code payload} with yaml.v2 into {@code any}: a plain key such as
     * {@code 1:}, {@code 0x1f:}, {@code 1.5:}, {@code yes:}, {@code true:} or {@code ~:} becomes a
     * number, boolean or null, and {@code DeepCopyWithTemplate} drops such a key with its value
     * (no error, no conversion); quoted keys and plain keys that stay text are kept. The loader
     * says which keys were plain ({@code YamlMapping}); a dropped value is not checked as a
     * template either, as Alertmanager never renders it.
     */
    @Test
    void plainKeysThatYamlTypesAsNumbersBooleansOrNullAreDroppedAsAlertmanagerDropsThem() throws Exception {
        Map<String, Object> entries = new LinkedHashMap<>();
        entries.put("1", "int");
        entries.put("0x1f", "hex");
        entries.put("1.5", "float");
        entries.put("yes", "bool");
        entries.put("true", "bool");
        entries.put("~", "null");
        entries.put("3", "{{ end }}");
        entries.put("2", "quoted");
        entries.put("name", "{{ .Status }}");
        entries.put("2020-01-01", "a timestamp stays text in yaml.v2");
        Map<String, Object> inner = new LinkedHashMap<>(Map.of("10", "x", "k", "v"));
        entries.put("nested", new io.promethium.api.config.YamlMapping(inner, java.util.Set.of("10", "k")));
        Object payload = new io.promethium.api.config.YamlMapping(entries,
                java.util.Set.of("1", "0x1f", "1.5", "yes", "true", "~", "3", "name", "2020-01-01", "nested"));
        assertThat(send(payload, testAlert()))
                .isEqualTo("{\"2\":\"quoted\",\"2020-01-01\":\"a timestamp stays text in yaml.v2\",\"name\":\"resolved\",\"nested\":{\"k\":\"v\"}}\n");
    }

    @Test
    void aPayloadTemplateThatDoesNotParseIsRefusedNamingThePayloadAtItsLocation() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("url", server.url("/hook"));
        c.put("payload", Map.of("a", List.of("{{ .Status ")));
        assertThatThrownBy(() -> context.notifier(new WebhookNotifierFactory(), c, "am.yml:5:9"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("am.yml:5:9").hasMessageContaining("payload.a[0]");
        c.put("payload", Map.of("{{ end }}", "x"));
        assertThatThrownBy(() -> context.notifier(new WebhookNotifierFactory(), c, "am.yml:5:9"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("payload.{{ end }} (key)");
    }

    @Test
    void aPayloadFailingToRenderIsNotRetriedAndNothingIsSent() throws Exception {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("url", server.url("/hook"));
        c.put("payload", Map.of("a", "{{ template \"no.such.template\" . }}"));
        Notifier notifier = context.notifier(new WebhookNotifierFactory(), c, "am.yml:5:9");
        assertThatThrownBy(() -> notifier.send(testAlert(), Instant.now().plusSeconds(10)))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("failed to render custom payload");
        c.put("payload", Map.of("a", ".nan"));
        Notifier nan = context.notifier(new WebhookNotifierFactory(), c, "am.yml:5:9");
        assertThatThrownBy(() -> nan.send(testAlert(), Instant.now().plusSeconds(10)))
                .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("json: unsupported value: NaN");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void yamlV2ScalarResolution() {
        assertThat(CustomPayload.scalar("y")).isEqualTo(true);
        assertThat(CustomPayload.scalar("Off")).isEqualTo(false);
        assertThat(CustomPayload.scalar("0o17")).isEqualTo(15L);
        assertThat(CustomPayload.scalar("017")).isEqualTo(15L);
        assertThat(CustomPayload.scalar("1_000")).isEqualTo(1000L);
        assertThat(CustomPayload.scalar("-0b101")).isEqualTo(-5L);
        assertThat(CustomPayload.scalar("18446744073709551615")).isEqualTo(new java.math.BigInteger("18446744073709551615"));
        assertThat(CustomPayload.scalar("1e3")).isEqualTo(1000.0);
        assertThat(CustomPayload.scalar("08")).isEqualTo(8.0);
        assertThat(CustomPayload.scalar("1.2.3")).isEqualTo("1.2.3");
        assertThat(CustomPayload.scalar("value1:")).isEqualTo("value1:");
        assertThat(CustomPayload.yaml("{1: a, b: 2}")).isEqualTo(Map.of("b", 2L));
    }

    /** A rendered value's merge keys apply as yaml.v2 applies them; a merge of a scalar leaves the text as it is. */
    @Test
    void renderedYamlMergeKeysApplyAndABadMergeLeavesTheText() {
        assertThat(CustomPayload.yaml("{a: &b {x: 1, q: 2}, c: {<<: *b, q: 3}}"))
                .isEqualTo(Map.of("a", Map.of("x", 1L, "q", 2L), "c", Map.of("x", 1L, "q", 3L)));
        assertThat(CustomPayload.yaml("{c: {<<: [{x: 1}, {x: 2, z: 0}]}}")).isEqualTo(Map.of("c", Map.of("x", 1L, "z", 0L)));
        assertThat(CustomPayload.yaml("{a: &s 1, c: {<<: *s}}")).isNotInstanceOf(Map.class);
    }
}
