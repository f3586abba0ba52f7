package io.promethium.api.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.promethium.api.config.ConfigException;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.ConfigContract;
import io.promethium.api.testing.RecordingHttpServer;
import io.promethium.api.testing.RecordingHttpServer.Response;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.TestNotifierContext;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every HTTP {@link Notifier} passes, as {@code AbstractDiscovererContractTest} does
 * for discoverers: a plugin's test extends this class, says how to build a config block that
 * sends to a loopback {@link RecordingHttpServer}, and inherits the checks that the dispatcher
 * and the status page rely on:
 * <ul>
 * <li>5xx is retryable, with the answer's {@code Retry-After} honoured; 429 is retryable too
 *     (a rate limit passes) unless {@link #retriesTooManyRequests()} says otherwise;</li>
 * <li>any other 4xx is not retryable (the same request will fail again);</li>
 * <li>a destination that does not answer fails by the deadline (plus a little), retryable, and a
 *     deadline already past fails without sending;</li>
 * <li>{@code send_resolved}: the factory's default is Alertmanager's, and a resolved
 *     notification, when the dispatcher passes it, is delivered;</li>
 * <li>secrets: every field named by {@link NotifierFactory#secretFields()} (shown as
 *     {@code <secret>} by the server) is a field of the config, and no secret value appears in
 *     an error message or a log record, whatever the failure;</li>
 * <li>validation has the one shape of every kind that owns config ({@link ConfigContract}): an
 *     unknown key and the {@link #badValue()} are refused with a {@link ConfigException} whose
 *     {@code field()} names the field and whose {@code location()} is where it is written;</li>
 * <li>the default templates are rendered into what is sent (with the test kit, Alertmanager's
 *     real ones), a template error names its field at validation, and one that only shows when
 *     rendering is not retryable and sends nothing;</li>
 * <li>a 2xx answer with garbage for a body (HTML from a proxy, cut JSON, random bytes, a body
 *     that drips in past the deadline) is delivered, retried or refused as Alertmanager's
 *     notifier does ({@link #garbageVerdict}), with a message, by the deadline.</li>
 * </ul>
 * The recorder answers every path: by default 200 with {@link #okBody()}, so a notifier whose
 * service says more in its answer must say what a good answer is.
 */
public abstract class AbstractNotifierContractTest {

    @TempDir
    protected Path dir;
    /** The loopback service; its base URL goes into {@link #config}. */
    protected RecordingHttpServer server;
    /** The context the notifiers are built with. */
    protected TestNotifierContext context;
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private volatile Response answer;

    /** The factory under test. */
    protected abstract NotifierFactory factory();

    /**
     * The context the notifier gets. By default {@link TestNotifierContext#TestNotifierContext(Path, String)}
     * (receiver {@code team}): with the test kit on the class path, the real notification
     * templates and an HTTP client factory that applies {@code http_config}.
     */
    protected TestNotifierContext newContext(Path dir) throws Exception {
        return new TestNotifierContext(dir, "team");
    }

    /**
     * A valid config block whose every request goes to {@code baseUrl} ({@code http://127.0.0.1:port},
     * no trailing slash) and whose secrets are set inline to distinctive values (they are looked
     * for in messages and logs). {@code send_resolved} is not part of it (the kernel reads it).
     */
    protected abstract Map<String, Object> config(String baseUrl) throws Exception;

    /** Alertmanager's default of {@code send_resolved} for this integration. */
    protected abstract boolean alertmanagerSendsResolvedByDefault();

    /** A field of {@link #config} that is a template (it is replaced by bad templates), or null if none. */
    protected abstract String templateField();

    /**
     * One invalid value of {@link #config} (a URL that does not parse, a priority out of range, a
     * duration that does not parse), which {@code validate} must refuse naming the field and
     * where it is written. Not a template: {@link #templateField()} checks those.
     */
    protected abstract BadValue badValue();

    /** Whether 429 is retried (Alertmanager's and the service's documentation say so for most). */
    protected boolean retriesTooManyRequests() {
        return true;
    }

    /**
     * Whether 4xx answers other than 429 are retried: most of Alertmanager's notifiers do not
     * retry them; one whose client library turns every failure into a retry (Telegram's) does.
     */
    protected boolean retriesClientErrors() {
        return false;
    }

    /** What Alertmanager's notifier makes of an answer it cannot use. */
    protected enum Verdict {
        /** Sent: Alertmanager does not read a 2xx answer's body. */
        DELIVERED,
        /** A failure retried. */
        RETRIED,
        /** A failure not retried. */
        NOT_RETRIED
    }

    /**
     * What Alertmanager 0.34's notifier does with a 200 whose body is garbage of
     * {@code contentType} ({@code text/html}, {@code application/json} cut short,
     * {@code application/octet-stream}), or a JSON body that stops arriving before the deadline
     * ({@code application/json} too: Go's read of it fails as a parse would). By default
     * {@link Verdict#DELIVERED}: most of Alertmanager's notifiers look only at the status.
     */
    protected Verdict garbageVerdict(String contentType) {
        return Verdict.DELIVERED;
    }

    /** The body of a good answer of the service (some services answer 200 with an error inside). */
    protected Response okBody() {
        return Response.of(200, "application/json", "{}");
    }

    @BeforeEach
    final void startContract() throws Exception {
        server = RecordingHttpServer.http();
        server.on("/", r -> answer == null ? okBody() : answer);
        context = newContext(dir);
        context.logger().addHandler(capture);
        context.logger().setLevel(Level.ALL);
    }

    @AfterEach
    final void stopContract() {
        if (context != null) {
            context.logger().removeHandler(capture);
            context.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        return context.notifier(factory(), values, "am.yml:7:5");
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(20);
    }

    private NotifyException failure(Map<String, Object> values, Notification n) throws Exception {
        Notifier notifier = notifier(values);
        NotifyException e = catchThrowableOfType(NotifyException.class, () -> notifier.send(n, soon()));
        assertThat(e).as("send must fail").isNotNull();
        return e;
    }

    @Test
    void aGoodAnswerIsDelivered() throws Exception {
        notifier(config(server.url(""))).send(TestNotifications.diskFull(false), soon());
        assertThat(server.requests()).isNotEmpty();
    }

    /**
     * With the Alertmanager's tracer on, each request of an attempt is an {@code HTTP} client span
     * under the dispatcher's {@code notify.Integration.Notify} span and carries its
     * {@code traceparent}, as Alertmanager's {@code otelhttp} transport does; the notifier does
     * nothing for it, its context's HTTP clients do.
     */
    @Test
    void eachRequestIsAClientSpanOfTheAttemptCarryingItsTraceparent() throws Exception {
        io.promethium.api.testing.RecordingTracer tracer = new io.promethium.api.testing.RecordingTracer();
        context.tracer(tracer);
        Notifier notifier = notifier(config(server.url("")));
        try (io.promethium.api.trace.Span attempt = tracer.start("notify.Integration.Notify")) {
            notifier.send(TestNotifications.diskFull(false), soon());
        }
        String attemptId = tracer.named("notify.Integration.Notify").getFirst().spanId();
        var spans = tracer.ended.stream().filter(io.promethium.api.testing.RecordingTracer.Recorded::client).toList();
        assertThat(spans).hasSize(server.requests().size());
        assertThat(spans).allSatisfy(span -> {
            assertThat(span.name()).startsWith("HTTP ");
            assertThat(span.parentId()).isEqualTo(attemptId);
            assertThat(span.attributes()).containsEntry("server.address", "127.0.0.1").containsKey("http.response.status_code");
            assertThat(span.error()).isNull();
        });
        assertThat(server.requests()).extracting(r -> r.header("traceparent"))
                .containsExactlyElementsOf(spans.stream().map(io.promethium.api.testing.RecordingTracer.Recorded::traceparent).toList());
    }

    /**
     * A word the notifier's request shows when its default templates were rendered for
     * {@link TestNotifications#diskFull}: by default the alert name {@code DiskFull}, which every
     * default title, text or body of Alertmanager's templates carries.
     */
    protected String renderedDefaultsMarker() {
        return "DiskFull";
    }

    @Test
    void theDefaultTemplatesAreRenderedIntoTheRequest() throws Exception {
        notifier(config(server.url(""))).send(TestNotifications.diskFull(false), soon());
        String sent = server.requests().stream()
                .map(r -> r.uri() + "\n" + r.headers() + "\n" + r.text()).reduce("", String::concat);
        assertThat(sent).as("what was sent").contains(renderedDefaultsMarker()).doesNotContain("{{");
    }

    @Test
    void serverErrorIsRetryableAndItsRetryAfterHonoured() throws Exception {
        answer = Response.of(503, "text/plain", "down for maintenance");
        NotifyException e = failure(config(server.url("")), TestNotifications.diskFull(false));
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("503");
        answer = Response.of(502, "text/plain", "bad gateway").withHeader("Retry-After", "11");
        e = failure(config(server.url("")), TestNotifications.diskFull(false));
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(11));
    }

    @Test
    void tooManyRequestsIsRetriedAfterRetryAfter() throws Exception {
        answer = Response.of(429, "application/json", "{\"message\":\"rate limited\"}").withHeader("Retry-After", "7");
        NotifyException e = failure(config(server.url("")), TestNotifications.diskFull(false));
        assertThat(e.retryable()).isEqualTo(retriesTooManyRequests());
        if (retriesTooManyRequests()) {
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        }
    }

    @Test
    void clientErrorIsRetriedOnlyWhereAlertmanagerRetriesIt() throws Exception {
        for (int status : new int[] {400, 401, 404}) {
            answer = Response.of(status, "application/json", "{\"message\":\"no\"}");
            NotifyException e = failure(config(server.url("")), TestNotifications.diskFull(false));
            assertThat(e.retryable()).as("status " + status).isEqualTo(retriesClientErrors());
            assertThat(e.getMessage()).contains(Integer.toString(status));
        }
    }

    @Test
    void aDestinationThatDoesNotAnswerFailsByTheDeadline() throws Exception {
        server.on("/", r -> {
            try {
                Thread.sleep(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return okBody();
        });
        Notifier n = notifier(config(server.url("")));
        long start = System.nanoTime();
        NotifyException e = catchThrowableOfType(NotifyException.class,
                () -> n.send(TestNotifications.diskFull(false), Instant.now().plusMillis(700)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(e).as("send must fail").isNotNull();
        assertThat(e.retryable()).isTrue();
        assertThat(took).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aDeadlineAlreadyPastSendsNothing() throws Exception {
        Notifier n = notifier(config(server.url("")));
        assertThatThrownBy(() -> n.send(TestNotifications.diskFull(false), Instant.now().minusSeconds(1)))
                .isInstanceOf(NotifyException.class);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void sendResolvedDefaultIsAlertmanagersAndAResolvedNotificationIsDelivered() throws Exception {
        assertThat(factory().sendResolvedByDefault()).isEqualTo(alertmanagerSendsResolvedByDefault());
        context.sendResolved(true);
        notifier(config(server.url(""))).send(TestNotifications.diskFull(true), soon());
        assertThat(server.requests()).isNotEmpty();
    }

    /** The secret values of {@link #config}: the values at {@link NotifierFactory#secretFields()}. */
    private List<String> secretValues(Map<String, Object> config) {
        List<String> values = new ArrayList<>();
        for (String path : factory().secretFields()) {
            Object v = at(config, path);
            if (v != null && !v.toString().isEmpty()) {
                values.add(v.toString());
            }
        }
        return values;
    }

    private static Object at(Map<String, Object> config, String path) {
        Object v = config;
        for (String part : path.split("\\.")) {
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            v = m.get(part);
        }
        return v;
    }

    @Test
    void secretFieldsAreFieldsOfTheConfigAndNeverInMessagesOrLogs() throws Exception {
        Map<String, Object> config = config(server.url(""));
        List<String> secrets = secretValues(config);
        if (!factory().secretFields().isEmpty()) {
            assertThat(secrets).as("the config sets at least one of secretFields() " + factory().secretFields()).isNotEmpty();
        }
        List<String> messages = new ArrayList<>();
        for (Response r : List.of(Response.of(500, "text/plain", "boom"), Response.of(400, "text/plain", "bad"),
                Response.of(429, "text/plain", "slow down"))) {
            answer = r;
            messages.add(String.valueOf(failure(config, TestNotifications.diskFull(false))));
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        messages.add(String.valueOf(failure(config("http://127.0.0.1:" + port), TestNotifications.diskFull(false))));
        for (String secret : secrets) {
            assertThat(messages).noneMatch(m -> m.contains(secret));
            assertThat(logged).noneMatch(m -> m.contains(secret));
        }
    }

    private String key() {
        return factory().type() + "_configs";
    }

    @Test
    void anUnknownKeyIsRefusedNamingItAndWhereItIs() throws Exception {
        Map<String, Object> config = config(server.url(""));
        ConfigContract.accepts(key(), config, c -> factory().validate(c, context));
        ConfigContract.refusesUnknownKey(key(), config, c -> factory().validate(c, context));
    }

    @Test
    void aBadValueIsRefusedNamingItsFieldAndWhereItIs() throws Exception {
        ConfigContract.refusesBadValue(key(), config(server.url("")), badValue(), c -> factory().validate(c, context));
    }

    @Test
    void aTemplateThatDoesNotParseIsAConfigErrorNamingItsField() throws Exception {
        String field = templateField();
        Assumptions.assumeTrue(field != null, "the integration has no template field");
        Map<String, Object> config = new HashMap<>(config(server.url("")));
        config.put(field, "{{ .CommonLabels.alertname ");
        assertThatThrownBy(() -> notifier(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("am.yml:7:5").hasMessageContaining(field);
    }

    @Test
    void aTemplateThatFailsWhenRenderedIsNotRetriedAndSendsNothing() throws Exception {
        String field = templateField();
        Assumptions.assumeTrue(field != null, "the integration has no template field");
        Map<String, Object> config = new HashMap<>(config(server.url("")));
        // Parses, fails when executed: Go's text/template refuses to call a non-function.
        config.put(field, "{{ template \"no.such.template\" . }}");
        Notifier n;
        try {
            n = notifier(config);
        } catch (ConfigException refused) {
            assertThat(refused.getMessage()).contains(field);
            return; // refused even earlier: as good
        }
        NotifyException e = catchThrowableOfType(NotifyException.class, () -> n.send(TestNotifications.diskFull(false), soon()));
        assertThat(e).as("send must fail").isNotNull();
        assertThat(e.retryable()).isFalse();
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void garbageInAGoodAnswerIsDeliveredOrFailsAsAlertmanagersNotifierDoes() throws Exception {
        java.util.Random random = new java.util.Random(35);
        StringBuilder bytes = new StringBuilder();
        for (int i = 0; i < 512; i++) {
            bytes.append((char) random.nextInt(256));
        }
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("text/html", "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>");
        bodies.put("application/json", "{\"ok\":true,\"result\":{\"id\":\"12");
        bodies.put("application/octet-stream", bytes.toString());
        for (Map.Entry<String, String> garbage : bodies.entrySet()) {
            answer = Response.of(200, garbage.getKey(), garbage.getValue());
            expect(garbageVerdict(garbage.getKey()), garbage.getKey(), soon(), () -> notifier(config(server.url(""))));
        }
    }

    /**
     * The status and headers come at once, then the body one byte every 100 ms: the send ends by
     * its deadline (plus a little), whatever it makes of that.
     */
    @Test
    void aBodyThatDripsPastTheDeadlineEndsByTheDeadline() throws Exception {
        try (ServerSocket drip = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread serving = Thread.ofVirtual().start(() -> {
                while (!drip.isClosed()) {
                    try {
                        java.net.Socket socket = drip.accept();
                        Thread.ofVirtual().start(() -> dripTo(socket));
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            try {
                String url = "http://127.0.0.1:" + drip.getLocalPort();
                expect(garbageVerdict("application/json"), "a dripping body", Instant.now().plusMillis(1500), () -> notifier(config(url)));
            } finally {
                drip.close();
                serving.join(2000);
            }
        }
    }

    /** Reads one request's head, answers 200 with a 400-byte JSON body sent a byte every 100 ms. */
    private static void dripTo(java.net.Socket socket) {
        try (socket) {
            socket.setSoTimeout(20_000);
            java.io.InputStream in = socket.getInputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            }
            java.io.OutputStream out = socket.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            for (int i = 1; i < 400; i++) {
                Thread.sleep(100);
                out.write(' ');
                out.flush();
            }
        } catch (java.io.IOException | InterruptedException gone) {
            // the client gave up: as expected
        }
    }

    @FunctionalInterface
    private interface NotifierSupplier {
        Notifier get() throws Exception;
    }

    private void expect(Verdict verdict, String what, Instant deadline, NotifierSupplier notifier) throws Exception {
        Notifier n = notifier.get();
        Duration allowed = Duration.between(Instant.now(), deadline).plusSeconds(3);
        long start = System.nanoTime();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> n.send(TestNotifications.diskFull(false), deadline));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as(what + ": ends by the deadline").isLessThan(allowed);
        if (verdict == Verdict.DELIVERED) {
            assertThat(thrown).as(what + ": Alertmanager does not read the body of a 2xx answer").isNull();
            return;
        }
        assertThat(thrown).as(what + ": must fail").isInstanceOf(NotifyException.class);
        assertThat(((NotifyException) thrown).retryable()).as(what + ": retried? " + thrown.getMessage()).isEqualTo(verdict == Verdict.RETRIED);
        assertThat(thrown.getMessage()).as(what).isNotBlank();
    }

    /** The log records the notifier wrote so far (message and exception). */
    protected List<String> logged() {
        return List.copyOf(logged);
    }

    /** The logger of {@link #context}, for a subclass that checks more. */
    protected Logger logger() {
        return context.logger();
    }
}
