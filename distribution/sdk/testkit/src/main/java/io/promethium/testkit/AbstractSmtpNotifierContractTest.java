package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.testing.BadValue;
import io.promethium.api.testing.ConfigContract;
import io.promethium.api.testing.TestCertificates;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.TestNotifierContext;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery contract of a notifier that sends mail over SMTP, as {@code AbstractNotifierContractTest}
 * is for HTTP notifiers. A plugin's test extends this class and says how to build a config block
 * for a given SMTP server (by default with the fields of Alertmanager's {@code email_configs}:
 * {@code auth_username}, {@code auth_password}, {@code require_tls}, {@code tls_config.ca_file});
 * the checks run against GreenMail (a real SMTP server, on loopback) and, for what GreenMail cannot
 * be made to do, the kit's {@link SmtpStandIn}:
 * <ul>
 * <li>a notification is delivered as one mail with the default templates rendered; a resolved
 *     one too, and the factory's {@code send_resolved} default is Alertmanager's;</li>
 * <li>it logs in with the configured credentials when the server asks for them; a refused login
 *     is not retried (the same credentials will be refused again);</li>
 * <li>SMTP replies: a transient one (4xx) at {@code MAIL}, {@code RCPT} or after the data is
 *     retryable, a permanent one (5xx) is not (RFC 5321 4.2.1);</li>
 * <li>TLS: with TLS required, STARTTLS is used and the server's certificate verified against the
 *     configured CA, credentials are sent only inside TLS; an untrusted certificate, or a server
 *     that does not offer STARTTLS, fails retryably with nothing sent;</li>
 * <li>a refused connection and a server that never answers fail retryably, the latter by the
 *     deadline; a deadline already past fails without connecting;</li>
 * <li>the password appears in no error message and no log record, plain or base64-encoded (as
 *     AUTH PLAIN and LOGIN send it), whatever the failure;</li>
 * <li>validation has the one shape of every kind that owns config ({@link ConfigContract}): an
 *     unknown key and the {@link #badValue()} are refused naming the field ({@code field()}) and
 *     where it is written ({@code location()});</li>
 * <li>a template that does not parse is a config error naming its field and the block's
 *     file:line:col; one that fails when rendered is not retried, names its field and sends
 *     nothing.</li>
 * </ul>
 * GreenMail is an optional dependency of the kit: a plugin that extends this class declares
 * {@code com.icegreen:greenmail} at test scope.
 */
public abstract class AbstractSmtpNotifierContractTest {

    /** The password the checks configure; looked for in every message and log record. */
    protected static final String PASSWORD = "kit-Pa55-w0rd-7Qz";
    /** The user the checks log in as. */
    protected static final String USERNAME = "alice";

    @TempDir
    protected Path dir;
    /** The context the notifiers are built with. */
    protected TestNotifierContext context;
    /** GreenMail's SMTP server on loopback, started before each check. */
    protected GreenMail mail;
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r.getMessage() + (r.getThrown() == null ? "" : " " + chain(r.getThrown())));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** The factory under test. */
    protected abstract NotifierFactory factory();

    /**
     * A valid config block that sends to the SMTP server at {@code host:port} over plain SMTP
     * (TLS not required), with a sender and a recipient and no credentials. {@code send_resolved}
     * is not part of it (the kernel reads it).
     */
    protected abstract Map<String, Object> config(String host, int port) throws Exception;

    /** Adds login credentials to {@code config}: by default {@code auth_username} and {@code auth_password}. */
    protected Map<String, Object> withCredentials(Map<String, Object> config, String username, String password) {
        config.put("auth_username", username);
        config.put("auth_password", password);
        return config;
    }

    /**
     * Makes {@code config} require TLS (STARTTLS on a plain port), trusting the CA in {@code caPem},
     * or only the system's CAs when it is null: by default {@code require_tls: true} and
     * {@code tls_config.ca_file}.
     */
    protected Map<String, Object> requiringTls(Map<String, Object> config, Path caPem) {
        config.put("require_tls", true);
        if (caPem != null) {
            config.put("tls_config", Map.of("ca_file", caPem.toString()));
        }
        return config;
    }

    /** Alertmanager's default of {@code send_resolved} for this integration (false for email). */
    protected boolean alertmanagerSendsResolvedByDefault() {
        return false;
    }

    /** A field of {@link #config} that is a template (replaced by a bad one), or null if none: {@code text} by default. */
    protected String templateField() {
        return "text";
    }

    /**
     * One invalid value of {@link #config}, which {@code validate} must refuse naming the field and
     * where it is written: by default {@code require_tls: maybe} (not a boolean).
     */
    protected BadValue badValue() {
        return new BadValue("require_tls", "maybe");
    }

    /** A word the mail shows when the default templates were rendered for {@link TestNotifications#diskFull}. */
    protected String renderedDefaultsMarker() {
        return "DiskFull";
    }

    /** The context the notifier gets: by default the test kit's, with the real notification templates. */
    protected TestNotifierContext newContext(Path dir) throws Exception {
        return new TestNotifierContext(dir, "team");
    }

    @BeforeEach
    final void startSmtpContract() throws Exception {
        mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        mail.start();
        context = newContext(dir);
        context.logger().addHandler(capture);
        context.logger().setLevel(Level.ALL);
    }

    @AfterEach
    final void stopSmtpContract() {
        if (context != null) {
            context.logger().removeHandler(capture);
            context.close();
        }
        if (mail != null) {
            mail.stop();
        }
    }

    private Map<String, Object> toGreenMail() throws Exception {
        return new HashMap<>(config("127.0.0.1", mail.getSmtp().getPort()));
    }

    private Map<String, Object> to(SmtpStandIn smtp) throws Exception {
        return new HashMap<>(config(smtp.host(), smtp.port()));
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        return context.notifier(factory(), values, "am.yml:7:5");
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(20);
    }

    private static Notification firing() {
        return TestNotifications.diskFull(false);
    }

    /** Sends and returns the failure, which must come; its text (with causes) is kept for the secrets check. */
    private NotifyException failure(Map<String, Object> values) throws Exception {
        Notifier n = notifier(values);
        NotifyException e = catchThrowableOfType(NotifyException.class, () -> n.send(firing(), soon()));
        assertThat(e).as("send must fail").isNotNull();
        assertNoSecretIn(chain(e));
        assertThat(logged()).as("log records").allSatisfy(this::assertNoSecretIn);
        return e;
    }

    private static String chain(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            b.append(t).append('\n');
            if (t instanceof jakarta.mail.MessagingException me && me.getNextException() != null) {
                b.append(me.getNextException()).append('\n');
            }
        }
        return b.toString();
    }

    /** The password, and the forms AUTH LOGIN and PLAIN send it in. */
    private static List<String> secretForms() {
        Base64.Encoder b64 = Base64.getEncoder();
        return List.of(PASSWORD, b64.encodeToString(PASSWORD.getBytes(StandardCharsets.UTF_8)),
                b64.encodeToString(("\0" + USERNAME + "\0" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }

    private void assertNoSecretIn(String text) {
        for (String secret : secretForms()) {
            assertThat(text).as("a failure's text must not show the password").doesNotContain(secret);
        }
    }

    /**
     * The CA and server certificate of the TLS checks, made once per JVM (keytool takes seconds on
     * a busy machine) in a temporary folder removed at exit: immutable once made.
     */
    private static final class SharedCertificates {
        static final TestCertificates INSTANCE = create();

        private static TestCertificates create() {
            try {
                Path folder = java.nio.file.Files.createTempDirectory("promethium-kit-smtp-tls");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try (var files = java.nio.file.Files.walk(folder)) {
                        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    } catch (java.io.IOException ignored) {
                        // a temporary folder left behind
                    }
                }));
                return TestCertificates.create(folder);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted making test certificates", e);
            }
        }
    }

    /** The log records written so far (message and exception chain). */
    protected List<String> logged() {
        return List.copyOf(logged);
    }

    @Test
    void aNotificationIsDeliveredAsOneMailWithTheDefaultTemplatesRendered() throws Exception {
        notifier(toGreenMail()).send(firing(), soon());
        MimeMessage[] got = mail.getReceivedMessages();
        assertThat(got).as("mails received").isNotEmpty();
        String whole = GreenMailUtil.getWholeMessage(got[0]);
        assertThat(got[0].getSubject() + "\n" + whole).contains(renderedDefaultsMarker()).doesNotContain("{{");
    }

    @Test
    void sendResolvedDefaultIsAlertmanagersAndAResolvedNotificationIsDelivered() throws Exception {
        assertThat(factory().sendResolvedByDefault()).isEqualTo(alertmanagerSendsResolvedByDefault());
        context.sendResolved(true);
        notifier(toGreenMail()).send(TestNotifications.diskFull(true), soon());
        assertThat(mail.getReceivedMessages()).isNotEmpty();
    }

    @Test
    void itLogsInWithTheConfiguredCredentials() throws Exception {
        mail.getUserManager().setAuthRequired(true);
        mail.setUser("oncall@example.org", USERNAME, PASSWORD);
        notifier(withCredentials(toGreenMail(), USERNAME, PASSWORD)).send(firing(), soon());
        assertThat(mail.getReceivedMessages()).isNotEmpty();
        assertThat(logged()).allSatisfy(this::assertNoSecretIn);
    }

    @Test
    void aRefusedLoginIsNotRetriedAndSendsNothing() throws Exception {
        mail.getUserManager().setAuthRequired(true);
        mail.setUser("oncall@example.org", USERNAME, "another-password");
        NotifyException e = failure(withCredentials(toGreenMail(), USERNAME, PASSWORD));
        assertThat(e.retryable()).as("a refused login is not retried: " + e.getMessage()).isFalse();
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    @Test
    void transientRepliesAreRetriedAndPermanentOnesAreNot() throws Exception {
        record Case(SmtpStandIn.Step step, String reply, boolean retryable) {
        }
        List<Case> cases = List.of(
                new Case(SmtpStandIn.Step.MAIL, "451 4.3.0 mail system busy", true),
                new Case(SmtpStandIn.Step.MAIL, "550 5.7.1 sender rejected", false),
                new Case(SmtpStandIn.Step.RCPT, "452 4.2.2 mailbox full", true),
                new Case(SmtpStandIn.Step.RCPT, "550 5.1.1 no such user", false),
                new Case(SmtpStandIn.Step.END_OF_DATA, "451 4.7.1 greylisted, try again", true),
                new Case(SmtpStandIn.Step.END_OF_DATA, "554 5.6.0 message refused", false));
        for (Case c : cases) {
            try (SmtpStandIn smtp = SmtpStandIn.replying(c.step(), c.reply())) {
                NotifyException e = failure(withCredentials(to(smtp), USERNAME, PASSWORD));
                assertThat(e.retryable()).as(c.reply() + " at " + c.step() + ": " + e.getMessage()).isEqualTo(c.retryable());
                assertThat(e.getMessage()).as("the failure names the server's reply").contains(c.reply().substring(0, 3));
                assertThat(smtp.received()).isEmpty();
            }
        }
        assertThat(logged()).allSatisfy(this::assertNoSecretIn);
    }

    @Test
    void withTlsRequiredItUsesStartTlsVerifiesTheServerAndLogsInOnlyInsideTls() throws Exception {
        TestCertificates certs = SharedCertificates.INSTANCE;
        try (SmtpStandIn smtp = SmtpStandIn.startTls(certs.serverContext(), USERNAME, PASSWORD)) {
            notifier(requiringTls(withCredentials(to(smtp), USERNAME, PASSWORD), certs.caPem())).send(firing(), soon());
            assertThat(smtp.received()).singleElement().satisfies(r -> {
                assertThat(r.tls()).as("delivered over TLS").isTrue();
                assertThat(r.user()).as("logged in (only offered inside TLS)").isEqualTo(USERNAME);
                assertThat(r.data()).contains(renderedDefaultsMarker());
            });
            List<String> commands = smtp.commands();
            int starttls = commands.indexOf("STARTTLS");
            assertThat(starttls).as("STARTTLS sent: " + commands).isNotNegative();
            assertThat(commands.subList(0, starttls)).as("no AUTH before STARTTLS").noneMatch(l -> l.startsWith("AUTH"));
        }
        try (SmtpStandIn untrusted = SmtpStandIn.startTls(certs.serverContext(), USERNAME, PASSWORD)) {
            NotifyException e = failure(requiringTls(withCredentials(to(untrusted), USERNAME, PASSWORD), null));
            assertThat(e.retryable()).as("an untrusted certificate: " + e.getMessage()).isTrue();
            assertThat(untrusted.received()).isEmpty();
            assertThat(untrusted.commands()).noneMatch(l -> l.startsWith("AUTH"));
        }
        assertThat(logged()).allSatisfy(this::assertNoSecretIn);
    }

    @Test
    void withTlsRequiredAServerWithoutStartTlsGetsNothing() throws Exception {
        NotifyException e = failure(requiringTls(withCredentials(toGreenMail(), USERNAME, PASSWORD), null));
        assertThat(e.retryable()).as("no STARTTLS offered: " + e.getMessage()).isTrue();
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    @Test
    void aRefusedConnectionIsRetryable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        NotifyException e = failure(withCredentials(new HashMap<>(config("127.0.0.1", port)), USERNAME, PASSWORD));
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void aServerThatNeverAnswersFailsByTheDeadline() throws Exception {
        try (SmtpStandIn smtp = SmtpStandIn.silent()) {
            Notifier n = notifier(to(smtp));
            long start = System.nanoTime();
            NotifyException e = catchThrowableOfType(NotifyException.class, () -> n.send(firing(), Instant.now().plusMillis(700)));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(e).as("send must fail").isNotNull();
            assertThat(e.retryable()).isTrue();
            assertThat(took).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aDeadlineAlreadyPastFailsWithoutConnecting() throws Exception {
        try (SmtpStandIn smtp = SmtpStandIn.plain()) {
            Notifier n = notifier(to(smtp));
            assertThatThrownBy(() -> n.send(firing(), Instant.now().minusSeconds(1))).isInstanceOf(NotifyException.class);
            assertThat(smtp.connections()).isZero();
        }
    }

    private String key() {
        return factory().type() + "_configs";
    }

    @Test
    void anUnknownKeyIsRefusedNamingItAndWhereItIs() throws Exception {
        Map<String, Object> config = toGreenMail();
        ConfigContract.accepts(key(), config, c -> factory().validate(c, context));
        ConfigContract.refusesUnknownKey(key(), config, c -> factory().validate(c, context));
    }

    @Test
    void aBadValueIsRefusedNamingItsFieldAndWhereItIs() throws Exception {
        ConfigContract.refusesBadValue(key(), toGreenMail(), badValue(), c -> factory().validate(c, context));
    }

    @Test
    void aTemplateThatDoesNotParseIsAConfigErrorNamingItsField() throws Exception {
        String field = templateField();
        Assumptions.assumeTrue(field != null, "the integration has no template field");
        Map<String, Object> config = toGreenMail();
        config.put(field, "{{ .CommonLabels.alertname ");
        assertThatThrownBy(() -> notifier(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("am.yml:7:5").hasMessageContaining(field);
    }

    @Test
    void aTemplateThatFailsWhenRenderedIsNotRetriedAndSendsNothing() throws Exception {
        String field = templateField();
        Assumptions.assumeTrue(field != null, "the integration has no template field");
        Map<String, Object> config = toGreenMail();
        // Parses, fails when executed.
        config.put(field, "{{ template \"no.such.template\" . }}");
        Notifier n;
        try {
            n = notifier(config);
        } catch (ConfigException refused) {
            assertThat(refused.getMessage()).contains(field);
            return; // refused even earlier: as good
        }
        NotifyException e = catchThrowableOfType(NotifyException.class, () -> n.send(firing(), soon()));
        assertThat(e).as("send must fail").isNotNull();
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).as("the failure names the field").contains(field);
        assertThat(mail.getReceivedMessages()).isEmpty();
    }
}
