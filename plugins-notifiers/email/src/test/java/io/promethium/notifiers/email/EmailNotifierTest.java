package io.promethium.notifiers.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.promethium.api.config.ConfigException;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.TemplateRenderer;
import io.promethium.api.testing.TestCertificates;
import io.promethium.api.testing.TestNotifications;
import io.promethium.api.testing.TestNotifierContext;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.testkit.AlertmanagerTemplates;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmailNotifierTest {

    private static final TemplateRenderer TEMPLATES = AlertmanagerTemplates.defaults();

    /** The CA and the server certificate, made once for the class (keytool runs take seconds). */
    @TempDir
    static Path certsDir;
    private static TestCertificates sharedCerts;

    @TempDir
    Path dir;
    private GreenMail mail;
    private TestNotifierContext context;

    @org.junit.jupiter.api.BeforeAll
    static void makeCertificates() throws Exception {
        sharedCerts = TestCertificates.create(certsDir);
    }

    /** The class's certificates, the CA's copied to {@code ca.pem} in this test's folder (where the blocks' files are read). */
    private TestCertificates certificates() throws Exception {
        Files.copy(sharedCerts.caPem(), dir.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return sharedCerts;
    }

    /**
     * A GreenMail server on loopback (a dynamic port for 0). Its start is awaited 30 s instead of
     * GreenMail's 2 s, which a machine busy with other builds' tests overran.
     */
    private static ServerSetup setup(int port, String protocol) {
        ServerSetup setup = new ServerSetup(port, "127.0.0.1", protocol);
        setup = port == 0 ? setup.dynamicPort() : setup;
        setup.setServerStartupTimeout(30_000);
        return setup;
    }

    @BeforeEach
    void start() {
        context = new TestNotifierContext(dir, "team", new HttpConfigClientFactory(), TEMPLATES);
        mail = new GreenMail(setup(0, ServerSetup.PROTOCOL_SMTP));
        mail.start();
    }

    @AfterEach
    void stop() {
        context.close();
        mail.stop();
    }

    private String smarthost() {
        return "127.0.0.1:" + mail.getSmtp().getPort();
    }

    private Notifier notifier(Map<String, Object> values) throws ConfigException {
        return context.notifier(new EmailNotifierFactory(), values, "am.yml:7:9");
    }

    private Map<String, Object> base() {
        Map<String, Object> m = new HashMap<>();
        m.put("to", "oncall@example.org");
        m.put("from", "promethium@example.org");
        m.put("smarthost", smarthost());
        m.put("require_tls", false);
        return m;
    }

    /** GreenMail requires alice's password; the block logs in as alice with {@code password} through {@code port}. */
    private Map<String, Object> loginAsAlice(int port, String password) {
        mail.getUserManager().setAuthRequired(true);
        mail.setUser("oncall@example.org", "alice", "s3cret");
        Map<String, Object> c = base();
        c.put("smarthost", "127.0.0.1:" + port);
        c.put("auth_username", "alice");
        c.put("auth_password", password);
        return c;
    }

    private static Notification notification() {
        return TestNotifications.diskFull(false);
    }

    private static Instant soon() {
        return Instant.now().plusSeconds(20);
    }

    @Test
    void mailCarriesRenderedHeadersThenTextAndHtmlPartsWithAlertmanagersDefaultSubject() throws Exception {
        Map<String, Object> c = base();
        c.put("headers", Map.of("x-team", "{{ .GroupLabels.alertname }}-owners", "Reply-To", "ops@example.org"));
        c.put("text", "{{ range .Alerts }}{{ .Annotations.summary }}{{ end }}");
        notifier(c).send(notification(), soon());

        MimeMessage[] got = mail.getReceivedMessages();
        assertThat(got).hasSize(1);
        MimeMessage m = got[0];
        assertThat(m.getSubject()).isEqualTo(TEMPLATES.render(EmailSettings.DEFAULT_SUBJECT, notification()))
                .startsWith("[FIRING:1] DiskFull");
        assertThat(m.getHeader("X-Team", null)).isEqualTo("DiskFull-owners");
        assertThat(m.getHeader("Reply-To", null)).isEqualTo("ops@example.org");
        assertThat(m.getHeader("To", null)).isEqualTo("oncall@example.org");
        assertThat(m.getHeader("From", null)).isEqualTo("promethium@example.org");
        assertThat(m.getHeader("Date")).isNotNull();
        assertThat(m.getHeader("Message-ID")).isNotNull();
        assertThat(m.getAllRecipients()).extracting(Object::toString).containsExactly("oncall@example.org");

        MimeMultipart body = (MimeMultipart) m.getContent();
        assertThat(m.getContentType()).startsWith("multipart/alternative");
        assertThat(body.getCount()).isEqualTo(2);
        assertThat(body.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(body.getBodyPart(0).getContent()).isEqualTo("disk 97% full");
        assertThat(body.getBodyPart(1).getContentType()).startsWith("text/html");
        // SMTP carries text with CRLF line ends.
        String html = ((String) body.getBodyPart(1).getContent()).replace("\r\n", "\n");
        // Alertmanager's email.default.html through html/template: values escaped, its leading HTML comment dropped.
        assertThat(html).isEqualTo(TEMPLATES.renderHtml(EmailSettings.DEFAULT_HTML, notification()))
                .contains("DiskFull").contains("db1").contains("View in Promethium").doesNotContain("<!--", "mailgun");
    }

    @Test
    void htmlSetToEmptyLeavesOnlyTheTextPart() throws Exception {
        Map<String, Object> c = base();
        c.put("html", "");
        c.put("text", "plain only");
        notifier(c).send(notification(), soon());
        MimeMultipart body = (MimeMultipart) mail.getReceivedMessages()[0].getContent();
        assertThat(body.getCount()).isEqualTo(1);
        assertThat(body.getBodyPart(0).getContent()).isEqualTo("plain only");
    }

    @Test
    void globalSmtpDefaultsApplyWhenTheBlockLeavesThemOut() throws Exception {
        context.global("smtp_smarthost", smarthost()).global("smtp_from", "global@example.org")
                .global("smtp_require_tls", false).global("smtp_hello", "promethium.test");
        notifier(Map.of("to", "a@example.org, b@example.org")).send(notification(), soon());
        MimeMessage m = mail.getReceivedMessages()[0];
        assertThat(m.getHeader("From", null)).isEqualTo("global@example.org");
        assertThat(mail.getReceivedMessages()).hasSize(2); // one copy per recipient in GreenMail
    }

    @Test
    void plainAuthWithPasswordFileAndIdentityLogsIn() throws Exception {
        mail.getUserManager().setAuthRequired(true);
        mail.setUser("oncall@example.org", "alice", "s3cret");
        Files.writeString(dir.resolve("pw"), "s3cret\n");
        Map<String, Object> c = base();
        c.put("auth_username", "alice");
        c.put("auth_password_file", "pw");
        notifier(c).send(notification(), soon());
        assertThat(mail.getReceivedMessages()).hasSize(1);
    }

    @Test
    void loginMechanismLogsInWhenTheServerOffersOnlyLogin() throws Exception {
        try (AuthOfferingRelay relay = new AuthOfferingRelay(mail.getSmtp().getPort(), "LOGIN")) {
            Map<String, Object> c = loginAsAlice(relay.port(), "s3cret");
            notifier(c).send(notification(), soon());
            assertThat(relay.clientLines()).anyMatch(l -> l.equals("AUTH LOGIN") || l.startsWith("AUTH LOGIN "))
                    .noneMatch(l -> l.startsWith("AUTH PLAIN"));
        }
        assertThat(mail.getReceivedMessages()).hasSize(1);
    }

    @Test
    void mechanismIsTheFirstOneTheServerListsThatTheBlockHasCredentialsFor() throws Exception {
        try (AuthOfferingRelay relay = new AuthOfferingRelay(mail.getSmtp().getPort(), "CRAM-MD5 LOGIN PLAIN")) {
            notifier(loginAsAlice(relay.port(), "s3cret")).send(notification(), soon());
            assertThat(relay.clientLines()).as("no auth_secret: CRAM-MD5 skipped, LOGIN listed before PLAIN")
                    .anyMatch(l -> l.startsWith("AUTH LOGIN")).noneMatch(l -> l.startsWith("AUTH PLAIN") || l.startsWith("AUTH CRAM"));
        }
        try (AuthOfferingRelay relay = new AuthOfferingRelay(mail.getSmtp().getPort(), "PLAIN LOGIN")) {
            notifier(loginAsAlice(relay.port(), "s3cret")).send(notification(), soon());
            assertThat(relay.clientLines()).anyMatch(l -> l.startsWith("AUTH PLAIN")).noneMatch(l -> l.startsWith("AUTH LOGIN"));
        }
        assertThat(mail.getReceivedMessages()).hasSize(2);
    }

    @Test
    void serverOfferingOnlyAMechanismWithoutCredentialsIsAnErrorNamingWhatIsMissing() throws Exception {
        try (AuthOfferingRelay relay = new AuthOfferingRelay(mail.getSmtp().getPort(), "CRAM-MD5")) {
            Map<String, Object> c = loginAsAlice(relay.port(), "s3cret");
            assertThatThrownBy(() -> notifier(c).send(notification(), soon()))
                    .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("missing secret for CRAM-MD5 auth mechanism");
            assertThat(relay.clientLines()).noneMatch(l -> l.startsWith("AUTH"));
        }
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    @Test
    void loginMechanismWithAWrongPasswordIsRefusedByGreenMailAndNotRetried() throws Exception {
        try (AuthOfferingRelay relay = new AuthOfferingRelay(mail.getSmtp().getPort(), "LOGIN")) {
            Map<String, Object> c = loginAsAlice(relay.port(), "wrong");
            assertThatThrownBy(() -> notifier(c).send(notification(), soon()))
                    .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isFalse())
                    .hasMessageContaining("authentication");
        }
        assertThat(mail.getReceivedMessages()).isEmpty();
    }

    /**
     * Alertmanager 0.34's {@code force_implicit_tls: true}: TLS from the first byte on any port.
     * GreenMail's SMTPS server on an ephemeral port accepts the mail; without the field the same
     * port is spoken to in plain SMTP, which the SMTPS server cannot read.
     */
    @Test
    void forceImplicitTlsSpeaksTlsFromTheFirstByteOnAnyPort() throws Exception {
        GreenMail smtps = new GreenMail(setup(0, ServerSetup.PROTOCOL_SMTPS));
        smtps.start();
        try {
            Map<String, Object> c = base();
            c.put("smarthost", "127.0.0.1:" + smtps.getSmtps().getPort());
            c.put("tls_config", Map.of("insecure_skip_verify", true));
            assertThatThrownBy(() -> notifier(c).send(notification(), Instant.now().plusSeconds(3)))
                    .as("plain SMTP to an SMTPS port").isInstanceOf(NotifyException.class);
            c.put("force_implicit_tls", true);
            notifier(c).send(notification(), soon());
            assertThat(smtps.getReceivedMessages()).hasSize(1);
            assertThat(smtps.getReceivedMessages()[0].getSubject()).startsWith("[FIRING:1] DiskFull");
        } finally {
            smtps.stop();
        }
    }

    /** The global {@code smtp_force_implicit_tls} applies to a block without the field, and the block's own value wins. */
    @Test
    void globalSmtpForceImplicitTlsIsTheDefaultAndTheBlockOverridesIt() throws Exception {
        GreenMail smtps = new GreenMail(setup(0, ServerSetup.PROTOCOL_SMTPS));
        smtps.start();
        try {
            context.global("smtp_force_implicit_tls", true);
            Map<String, Object> c = base();
            c.put("smarthost", "127.0.0.1:" + smtps.getSmtps().getPort());
            c.put("tls_config", Map.of("insecure_skip_verify", true));
            notifier(c).send(notification(), soon());
            assertThat(smtps.getReceivedMessages()).hasSize(1);
            Map<String, Object> plain = base();
            plain.put("force_implicit_tls", false);
            notifier(plain).send(notification(), soon());
            assertThat(mail.getReceivedMessages()).hasSize(1);
        } finally {
            smtps.stop();
        }
    }

    @Test
    void aForceImplicitTlsThatIsNotABooleanIsRefusedNamingIt() {
        Map<String, Object> c = base();
        c.put("force_implicit_tls", "sometimes");
        assertThatThrownBy(() -> notifier(c)).isInstanceOf(ConfigException.class).hasMessageContaining("force_implicit_tls");
    }

    /**
     * Port 465 means TLS from the first byte (SMTPS), as Alertmanager decides it: GreenMail's SMTPS
     * server on 127.0.0.1:465 accepts the mail, and its self-signed certificate is refused unless
     * the block trusts it.
     */
    @Test
    void port465SpeaksTlsFromTheFirstByte() throws Exception {
        try (ServerSocket probe = new ServerSocket(465, 1, InetAddress.getLoopbackAddress())) {
            probe.setReuseAddress(true);
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("cannot listen on 127.0.0.1:465 (" + e.getMessage()
                    + "): needs root or net.ipv4.ip_unprivileged_port_start <= 465");
        }
        GreenMail smtps = new GreenMail(setup(465, ServerSetup.PROTOCOL_SMTPS));
        smtps.start();
        try {
            smtps.getUserManager().setAuthRequired(true);
            smtps.setUser("oncall@example.org", "alice", "s3cret");
            Map<String, Object> c = base();
            c.put("smarthost", "127.0.0.1:465");
            c.put("require_tls", true);
            c.put("auth_username", "alice");
            c.put("auth_password", "s3cret");
            assertThatThrownBy(() -> notifier(c).send(notification(), soon()))
                    .as("GreenMail's certificate is not trusted by default")
                    .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue());
            c.put("tls_config", Map.of("insecure_skip_verify", true));
            notifier(c).send(notification(), soon());
            assertThat(smtps.getReceivedMessages()).hasSize(1);
            assertThat(smtps.getReceivedMessages()[0].getSubject()).startsWith("[FIRING:1] DiskFull");
        } finally {
            smtps.stop();
        }
    }

    @Test
    void startTlsThenCramMd5WithTheSecretDeliversOverTls() throws Exception {
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer("tanstaaftanstaaf")) {
            Map<String, Object> c = base();
            c.put("smarthost", "127.0.0.1:" + smtp.port());
            c.put("require_tls", true);
            c.put("hello", "promethium.test");
            c.put("tls_config", Map.of("insecure_skip_verify", true));
            c.put("auth_username", "tim");
            c.put("auth_secret", "tanstaaftanstaaf");
            notifier(c).send(notification(), soon());
            assertThat(smtp.tls).isTrue();
            assertThat(smtp.ehlo).containsExactly("promethium.test", "promethium.test");
            assertThat(smtp.user).isEqualTo("tim");
            assertThat(smtp.data).contains("Subject: [FIRING:1] DiskFull");
        }
    }

    @Test
    void theGlobalSecretFileGivesCramMd5ItsSecretAndASecretWithItsFileIsRefused() throws Exception {
        Files.writeString(dir.resolve("cram.secret"), "tanstaaftanstaaf\n");
        context.global("smtp_auth_secret_file", "cram.secret");
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer("tanstaaftanstaaf")) {
            Map<String, Object> c = base();
            c.put("smarthost", "127.0.0.1:" + smtp.port());
            c.put("require_tls", true);
            c.put("tls_config", Map.of("insecure_skip_verify", true));
            c.put("auth_username", "tim");
            notifier(c).send(notification(), soon());
            assertThat(smtp.user).isEqualTo("tim");
        }
        Map<String, Object> both = base();
        both.put("auth_secret", "s");
        both.put("auth_secret_file", "f");
        assertThatThrownBy(() -> notifier(both)).hasMessageContaining("at most one of auth_secret & auth_secret_file");
    }

    /** A server context presenting the CA-signed certificate and trusting client certificates of the same CA. */
    private static javax.net.ssl.SSLContext mutualTlsServer(TestCertificates certs) throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(certs.caPem())) {
            trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(certs.serverKeyStore())) {
            keys.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        var kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, TestCertificates.PASSWORD.toCharArray());
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Writes the CA-signed key (PKCS#8 PEM) and its certificate to client.key / client.pem: the client reuses it. */
    private void writeClientCertificate(TestCertificates certs) throws Exception {
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(certs.serverKeyStore())) {
            keys.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        var mime = java.util.Base64.getMimeEncoder(64, "\n".getBytes());
        byte[] key = keys.getKey("server", TestCertificates.PASSWORD.toCharArray()).getEncoded();
        Files.writeString(dir.resolve("client.key"), "-----BEGIN PRIVATE KEY-----\n" + mime.encodeToString(key) + "\n-----END PRIVATE KEY-----\n");
        byte[] cert = keys.getCertificate("server").getEncoded();
        Files.writeString(dir.resolve("client.pem"), "-----BEGIN CERTIFICATE-----\n" + mime.encodeToString(cert) + "\n-----END CERTIFICATE-----\n");
    }

    private Map<String, Object> startTlsTo(ScriptedSmtpServer smtp, Map<String, Object> tls) {
        Map<String, Object> c = base();
        c.put("smarthost", "127.0.0.1:" + smtp.port());
        c.put("require_tls", true);
        c.put("auth_username", "tim");
        c.put("auth_secret", "tanstaaftanstaaf");
        c.put("tls_config", tls);
        return c;
    }

    @Test
    void startTlsPresentsTheClientCertificateAndVerifiesTheServerAgainstServerName() throws Exception {
        TestCertificates certs = certificates();
        writeClientCertificate(certs);
        javax.net.ssl.SSLContext server = mutualTlsServer(certs);
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer("tanstaaftanstaaf", server, true)) {
            notifier(startTlsTo(smtp, Map.of("ca_file", "ca.pem", "cert_file", "client.pem", "key_file", "client.key",
                    "server_name", "localhost"))).send(notification(), soon());
            assertThat(smtp.clientCertificate).isEqualTo("CN=localhost");
            assertThat(smtp.tls).isTrue();
            assertThat(smtp.data).contains("Subject: [FIRING:1] DiskFull");
        }
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer("tanstaaftanstaaf", server, true)) {
            String inlineCert = Files.readString(dir.resolve("client.pem"));
            String inlineKey = Files.readString(dir.resolve("client.key"));
            notifier(startTlsTo(smtp, Map.of("ca_file", "ca.pem", "cert", inlineCert, "key", inlineKey)))
                    .send(notification(), soon());
            assertThat(smtp.clientCertificate).as("inline cert/key; the smarthost's IP is in the certificate").isEqualTo("CN=localhost");
        }
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer("tanstaaftanstaaf", server, true)) {
            assertThatThrownBy(() -> notifier(startTlsTo(smtp, Map.of("ca_file", "ca.pem"))).send(notification(), soon()))
                    .as("no client certificate").isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue());
            assertThat(smtp.data).isNull();
        }
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer("tanstaaftanstaaf", server, true)) {
            assertThatThrownBy(() -> notifier(startTlsTo(smtp, Map.of("ca_file", "ca.pem", "cert_file", "client.pem",
                    "key_file", "client.key", "server_name", "mail.example.org"))).send(notification(), soon()))
                    .as("the certificate does not name server_name").isInstanceOf(NotifyException.class);
            assertThat(smtp.data).isNull();
        }
    }

    @Test
    void port465PresentsTheClientCertificateFromTheFirstByte() throws Exception {
        TestCertificates certs = certificates();
        writeClientCertificate(certs);
        ScriptedSmtpServer smtp;
        try {
            smtp = new ScriptedSmtpServer("tanstaaftanstaaf", mutualTlsServer(certs), true, 465, true);
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("cannot listen on 127.0.0.1:465 (" + e.getMessage()
                    + "): needs root or net.ipv4.ip_unprivileged_port_start <= 465");
            return;
        }
        try (smtp) {
            Map<String, Object> c = startTlsTo(smtp, Map.of("ca_file", "ca.pem", "cert_file", "client.pem", "key_file", "client.key",
                    "server_name", "localhost"));
            c.put("require_tls", false); // port 465 speaks TLS whatever require_tls says, as Alertmanager
            notifier(c).send(notification(), soon());
            assertThat(smtp.clientCertificate).isEqualTo("CN=localhost");
            assertThat(smtp.ehlo).containsExactly("localhost");
            assertThat(smtp.data).contains("Subject: [FIRING:1] DiskFull");
        }
    }

    /**
     * Alertmanager 0.34's global {@code smtp_tls_config}: the TLS of a block without
     * {@code tls_config}, for STARTTLS: the server is verified against the global CA and
     * {@code server_name}, and the global client certificate is presented.
     */
    @Test
    void globalSmtpTlsConfigVerifiesTheServerAndPresentsTheClientCertificateOnStartTls() throws Exception {
        TestCertificates certs = certificates();
        writeClientCertificate(certs);
        javax.net.ssl.SSLContext server = mutualTlsServer(certs);
        context.global("smtp_tls_config", Map.of("ca_file", "ca.pem", "cert_file", "client.pem", "key_file", "client.key",
                "server_name", "localhost"));
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer("tanstaaftanstaaf", server, true)) {
            Map<String, Object> c = startTlsTo(smtp, null);
            c.remove("tls_config");
            notifier(c).send(notification(), soon());
            assertThat(smtp.tls).isTrue();
            assertThat(smtp.clientCertificate).isEqualTo("CN=localhost");
            assertThat(smtp.data).contains("Subject: [FIRING:1] DiskFull");
        }
        try (ScriptedSmtpServer smtp = new ScriptedSmtpServer("tanstaaftanstaaf", server, true)) {
            // The block's own tls_config replaces the global one whole (Go's cmp.Or of two pointers): no client certificate.
            assertThatThrownBy(() -> notifier(startTlsTo(smtp, Map.of("ca_file", "ca.pem"))).send(notification(), soon()))
                    .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue());
            assertThat(smtp.data).isNull();
        }
    }

    /**
     * The global {@code smtp_tls_config} applies to implicit TLS too: GreenMail's SMTPS server
     * (a self-signed certificate) is refused without it and accepted with the global
     * {@code insecure_skip_verify}; a block's own {@code tls_config} is not merged with it.
     */
    @Test
    void globalSmtpTlsConfigAppliesToImplicitTlsAndIsNotMergedIntoTheBlocksOwn() throws Exception {
        GreenMail smtps = new GreenMail(setup(0, ServerSetup.PROTOCOL_SMTPS));
        smtps.start();
        try {
            Map<String, Object> c = base();
            c.put("smarthost", "127.0.0.1:" + smtps.getSmtps().getPort());
            c.put("force_implicit_tls", true);
            assertThatThrownBy(() -> notifier(c).send(notification(), soon()))
                    .as("GreenMail's certificate is not trusted by default").isInstanceOf(NotifyException.class);
            context.global("smtp_tls_config", Map.of("insecure_skip_verify", true));
            notifier(c).send(notification(), soon());
            assertThat(smtps.getReceivedMessages()).hasSize(1);
            c.put("tls_config", Map.of("min_version", "TLS12"));
            assertThatThrownBy(() -> notifier(c).send(notification(), soon()))
                    .as("the block's tls_config, without insecure_skip_verify").isInstanceOf(NotifyException.class);
            assertThat(smtps.getReceivedMessages()).hasSize(1);
        } finally {
            smtps.stop();
        }
    }

    @Test
    void aGlobalSmtpTlsConfigWithAnUnknownFieldIsRefusedNamingIt() {
        context.global("smtp_tls_config", Map.of("ca_ref", "vault"));
        assertThatThrownBy(() -> notifier(base())).isInstanceOf(ConfigException.class).hasMessageContaining("ca_ref");
    }

    private static String sha256Hex(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * Alertmanager 0.34's {@code threading}: References and In-Reply-To both name
     * {@code <alert-HASH-DATE@alertmanager>}, HASH the first 16 hex digits of the SHA-256 of the
     * group key, DATE today's local date for {@code daily} and empty for {@code none}.
     */
    @Test
    void threadingGivesEveryMailOfAGroupTheSameThreadRootByDayOrForever() throws Exception {
        Notification n = notification();
        String hash = sha256Hex(n.groupKey()).substring(0, 16);
        Map<String, Object> daily = base();
        daily.put("threading", Map.of("enabled", true, "thread_by_date", "daily"));
        notifier(daily).send(n, soon());
        notifier(daily).send(n, soon());
        Map<String, Object> none = base();
        none.put("threading", Map.of("enabled", true, "thread_by_date", "none"));
        notifier(none).send(n, soon());
        Map<String, Object> off = base();
        off.put("threading", Map.of("enabled", false, "thread_by_date", "none"));
        notifier(off).send(n, soon());

        MimeMessage[] got = mail.getReceivedMessages();
        assertThat(got).hasSize(4);
        String today = "<alert-" + hash + "-" + java.time.LocalDate.now() + "@alertmanager>";
        for (int i = 0; i < 2; i++) {
            assertThat(got[i].getHeader("References", null)).isEqualTo(today);
            assertThat(got[i].getHeader("In-Reply-To", null)).isEqualTo(today);
        }
        assertThat(got[2].getHeader("References", null)).isEqualTo("<alert-" + hash + "-@alertmanager>");
        assertThat(got[2].getHeader("In-Reply-To", null)).isEqualTo("<alert-" + hash + "-@alertmanager>");
        assertThat(got[3].getHeader("References")).isNull();
        assertThat(got[3].getHeader("In-Reply-To")).isNull();
        assertThat(EmailNotifier.threadRoot("other group", null)).isNotEqualTo(EmailNotifier.threadRoot(n.groupKey(), null));
    }

    /** Alertmanager writes {@code <UNIX_NANOS.RANDOM@HOSTNAME>} unless a header sets Message-Id, which is then kept. */
    @Test
    void messageIdIsAlertmanagersUnlessAHeaderSetsIt() throws Exception {
        long before = System.currentTimeMillis() * 1_000_000L;
        notifier(base()).send(notification(), soon());
        Map<String, Object> own = base();
        own.put("headers", Map.of("message-id", "<{{ .GroupLabels.alertname }}@example.org>"));
        notifier(own).send(notification(), soon());
        MimeMessage[] got = mail.getReceivedMessages();
        String id = got[0].getHeader("Message-Id", null);
        assertThat(id).matches("<\\d+\\.\\d+@" + java.util.regex.Pattern.quote(EmailNotifier.hostname()) + ">");
        assertThat(Long.parseLong(id.substring(1, id.indexOf('.')))).isGreaterThanOrEqualTo(before);
        assertThat(got[1].getHeader("Message-Id", null)).isEqualTo("<DiskFull@example.org>");
    }

    @Test
    void threadingIsRefusedAsAlertmanagerRefusesIt() {
        Map<String, Object> weekly = base();
        weekly.put("threading", Map.of("enabled", true, "thread_by_date", "weekly"));
        assertThatThrownBy(() -> notifier(weekly)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("threading.thread_by_date must be either 'none' or 'daily'");
        Map<String, Object> unset = base();
        unset.put("threading", Map.of("enabled", true));
        assertThatThrownBy(() -> notifier(unset)).hasMessageContaining("threading.thread_by_date must be either 'none' or 'daily'");
        Map<String, Object> references = base();
        references.put("threading", Map.of("enabled", true, "thread_by_date", "daily"));
        references.put("headers", Map.of("references", "<x@example.org>"));
        assertThatThrownBy(() -> notifier(references)).hasMessageContaining("am.yml:7:9")
                .hasMessageContaining("conflicting configuration: threading.enabled conflicts with custom References header");
        Map<String, Object> inReplyTo = base();
        inReplyTo.put("threading", Map.of("enabled", true, "thread_by_date", "none"));
        inReplyTo.put("headers", Map.of("In-Reply-To", "<x@example.org>"));
        assertThatThrownBy(() -> notifier(inReplyTo)).hasMessageContaining("custom In-Reply-To header");
        Map<String, Object> unknown = base();
        unknown.put("threading", Map.of("enabled", true, "thread_by", "daily"));
        assertThatThrownBy(() -> notifier(unknown)).hasMessageContaining("thread_by");
        Map<String, Object> notBool = base();
        notBool.put("threading", Map.of("enabled", "sometimes", "thread_by_date", "daily"));
        assertThatThrownBy(() -> notifier(notBool)).hasMessageContaining("enabled");
        Map<String, Object> disabled = base();
        disabled.put("threading", Map.of("enabled", false, "thread_by_date", "weekly"));
        disabled.put("headers", Map.of("References", "<x@example.org>"));
        org.assertj.core.api.Assertions.assertThatCode(() -> notifier(disabled)).as("Alertmanager checks only an enabled block")
                .doesNotThrowAnyException();
    }

    @Test
    void droppedConnectionIsRetryable() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = Thread.ofVirtual().start(() -> {
                try (Socket client = s.accept()) {
                    client.getOutputStream().write("220 drop.test ESMTP\r\n".getBytes());
                    client.getInputStream().read(); // the EHLO, then hang up
                } catch (Exception ignored) {
                    // the test asserts the client's view
                }
            });
            Map<String, Object> c = base();
            c.put("smarthost", "127.0.0.1:" + s.getLocalPort());
            assertThatThrownBy(() -> notifier(c).send(notification(), soon()))
                    .isInstanceOfSatisfying(NotifyException.class, e -> assertThat(e.retryable()).isTrue());
            t.join();
        }
    }

    @Test
    void unknownFieldIsAnErrorNamingIt() {
        Map<String, Object> c = base();
        c.put("smtp_to", "x");
        assertThatThrownBy(() -> notifier(c)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("am.yml:7:9").hasMessageContaining("smtp_to");
    }

    @Test
    void missingToSmarthostOrFromAreErrors() {
        Map<String, Object> noTo = base();
        noTo.remove("to");
        assertThatThrownBy(() -> notifier(noTo)).hasMessageContaining("missing to address");
        Map<String, Object> noHost = base();
        noHost.remove("smarthost");
        assertThatThrownBy(() -> notifier(noHost)).hasMessageContaining("smarthost");
        Map<String, Object> noFrom = base();
        noFrom.remove("from");
        assertThatThrownBy(() -> notifier(noFrom)).hasMessageContaining("from");
        Map<String, Object> badHost = base();
        badHost.put("smarthost", "localhost");
        assertThatThrownBy(() -> notifier(badHost)).hasMessageContaining("missing port");
    }

    @Test
    void unsupportedTlsFieldsAndBadTemplatesAreRefusedByName() {
        Map<String, Object> tls = base();
        tls.put("tls_config", Map.of("cert_file", "c.pem"));
        assertThatThrownBy(() -> notifier(tls)).hasMessageContaining("key or key_file");
        Map<String, Object> ref = base();
        ref.put("tls_config", Map.of("ca_ref", "vault"));
        assertThatThrownBy(() -> notifier(ref)).hasMessageContaining("ca_ref").hasMessageContaining("tls_config");
        Map<String, Object> tpl = base();
        tpl.put("text", "{{ .Oops ");
        assertThatThrownBy(() -> notifier(tpl)).isInstanceOf(ConfigException.class);
        Map<String, Object> both = base();
        both.put("auth_password", "a");
        both.put("auth_password_file", "b");
        assertThatThrownBy(() -> notifier(both)).hasMessageContaining("auth_password & auth_password_file");
    }

    @Test
    void headerNamesAreCanonicalisedAsGoDoes() {
        assertThat(EmailSettings.canonical("x-team-name")).isEqualTo("X-Team-Name");
        assertThat(EmailSettings.canonical("SUBJECT")).isEqualTo("Subject");
    }
}
