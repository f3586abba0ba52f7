package io.promethium.notifiers.email;

import io.promethium.api.config.ConfigException;
import io.promethium.api.http.ClientTls;
import io.promethium.api.notify.GroupKeys;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.TemplateFields;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Sends one mail per notification as Alertmanager does: EHLO with {@code hello}; implicit TLS
 * when {@code force_implicit_tls} (or the global {@code smtp_force_implicit_tls}) is true, or is
 * unset and the smarthost's port is 465, else STARTTLS when {@code require_tls} (failing when the
 * server does not offer it); AUTH when the server offers it and a username is set, with the first
 * mechanism in the server's list that the block has credentials for (see {@link SmtpAuth}); a
 * {@code multipart/alternative} body with the text part, then the HTML part; every header
 * rendered from its template; Alertmanager's {@code Message-Id} unless a header sets one; with
 * {@code threading.enabled}, {@code References} and {@code In-Reply-To} naming the group's thread
 * root ({@link #threadRoot}). SMTP 5xx replies and failed authentication are not retried; I/O
 * errors, refused or dropped connections and 4xx replies are.
 */
final class EmailNotifier implements Notifier {

    private final EmailSettings settings;
    private final NotifierContext context;

    private final String hostname;

    EmailNotifier(EmailSettings settings, NotifierContext context) {
        this.settings = settings;
        this.context = context;
        this.hostname = hostname();
    }

    @Override
    public void send(Notification n, Instant deadline) throws NotifyException {
        long timeoutMs = Duration.between(Instant.now(), deadline).toMillis();
        if (timeoutMs <= 0) {
            throw NotifyException.doNotRetry("deadline passed before sending", null);
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Jakarta Mail and Activation find their handlers through the context class loader; in
        // OSGi that must be this bundle's, which holds the embedded jars.
        thread.setContextClassLoader(EmailNotifier.class.getClassLoader());
        try {
            Session session = Session.getInstance(properties(timeoutMs));
            InternetAddress from = parseOne("from", TemplateFields.render(context, "from", settings.from(), n));
            InternetAddress[] to = parseList("to", TemplateFields.render(context, "to", settings.to(), n));
            MimeMessage message = message(session, n, from);
            deliver(session, message, to);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private Properties properties(long timeoutMs) throws NotifyException {
        Properties p = new Properties();
        p.put("mail.smtp.host", settings.host());
        p.put("mail.smtp.port", Integer.toString(settings.port()));
        p.put("mail.smtp.localhost", settings.hello());
        p.put("mail.smtp.connectiontimeout", Long.toString(timeoutMs));
        p.put("mail.smtp.timeout", Long.toString(timeoutMs));
        p.put("mail.smtp.writetimeout", Long.toString(timeoutMs));
        boolean implicitTls = settings.implicitTls();
        p.put("mail.smtp.ssl.enable", Boolean.toString(implicitTls));
        if (!implicitTls && settings.requireTls()) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        ClientTls tls;
        try {
            // Built per send: certificate files are read again, so rotated ones apply.
            tls = context.httpClients().tls(settings.tls(), settings.host(), context.configDirectory());
        } catch (ConfigException e) {
            throw NotifyException.retryLater(e.getMessage(), e);
        }
        p.put("mail.smtp.ssl.protocols", String.join(" ", tls.protocols()));
        // The context's trust manager checks the certificate's names (server_name or the smarthost's host).
        p.put("mail.smtp.ssl.checkserveridentity", "false");
        p.put("mail.smtp.ssl.socketFactory", tls.socketFactory());
        // Authentication is ours (SmtpAuth), after EHLO, so the mechanism follows the server's list.
        p.put("mail.smtp.auth", "false");
        return p;
    }

    private String secret() throws NotifyException {
        try {
            return settings.secret();
        } catch (IOException e) {
            throw NotifyException.retryLater("reading auth_secret_file " + settings.authSecretFile() + ": " + e.getMessage(), e);
        }
    }

    private String password() throws NotifyException {
        try {
            return settings.password();
        } catch (IOException e) {
            throw NotifyException.retryLater("reading auth_password_file " + settings.authPasswordFile() + ": " + e.getMessage(), e);
        }
    }

    private MimeMessage message(Session session, Notification n, InternetAddress envelopeFrom) throws NotifyException {
        try {
            MimeMessage m = new AlertmanagerMessage(session, hostname);
            m.setFrom(envelopeFrom);
            for (Map.Entry<String, String> h : settings.headers().entrySet()) {
                String value = TemplateFields.render(context, "headers." + h.getKey(), h.getValue(), n);
                m.setHeader(h.getKey(), MimeUtility.fold(h.getKey().length() + 2, MimeUtility.encodeText(value, "UTF-8", "Q")));
            }
            if (settings.threading()) {
                String root = threadRoot(n.groupKey(), settings.threadByDate() ? LocalDate.now() : null);
                m.setHeader("References", root);
                m.setHeader("In-Reply-To", root);
            }
            m.setSentDate(new Date());
            MimeMultipart body = new MimeMultipart("alternative");
            if (settings.text() != null) {
                MimeBodyPart part = new MimeBodyPart();
                part.setText(TemplateFields.render(context, "text", settings.text(), n), "UTF-8", "plain");
                part.setHeader("Content-Transfer-Encoding", "quoted-printable");
                body.addBodyPart(part);
            }
            if (settings.html() != null) {
                MimeBodyPart part = new MimeBodyPart();
                part.setText(TemplateFields.renderHtml(context, "html", settings.html(), n), "UTF-8", "html");
                part.setHeader("Content-Transfer-Encoding", "quoted-printable");
                body.addBodyPart(part);
            }
            m.setContent(body);
            return m;
        } catch (MessagingException | UnsupportedEncodingException e) {
            throw NotifyException.doNotRetry("building the message: " + e.getMessage(), e);
        }
    }

    /**
     * Alertmanager 0.34's thread root: a Message-ID no mail has, {@code <alert-HASH-DATE@alertmanager>}
     * with the first 16 hex digits of the group key's SHA-256 and the local date (empty for
     * {@code thread_by_date: none}); clients following the JWZ algorithm group the mails under it.
     */
    static String threadRoot(String groupKey, LocalDate day) {
        String hash = GroupKeys.hash(groupKey).substring(0, 16);
        return "<alert-" + hash + "-" + (day == null ? "" : day.toString()) + "@alertmanager>";
    }

    /**
     * A message whose Message-Id is Alertmanager's, {@code <UNIX_NANOS.RANDOM_UINT64@HOSTNAME>},
     * unless the block's {@code headers} set one (Jakarta Mail would replace it with its own).
     */
    private static final class AlertmanagerMessage extends MimeMessage {
        private final String hostname;

        AlertmanagerMessage(Session session, String hostname) {
            super(session);
            this.hostname = hostname;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            if (getHeader("Message-Id", null) != null) {
                return;
            }
            Instant now = Instant.now();
            long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            setHeader("Message-Id", "<" + nanos + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong())
                    + "@" + hostname + ">");
        }
    }

    /** Go's os.Hostname as Alertmanager falls back from it: the host's name, else localhost.localdomain. */
    static String hostname() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name == null || name.isEmpty() ? "localhost.localdomain" : name;
        } catch (IOException e) {
            return "localhost.localdomain";
        }
    }

    private void deliver(Session session, MimeMessage message, InternetAddress[] to) throws NotifyException {
        String where = settings.host() + ":" + settings.port();
        try (SMTPTransport transport = new SMTPTransport(session, null)) {
            transport.connect(settings.host(), settings.port(), null, null);
            new SmtpAuth(settings.authUsername(), password(), secret(), settings.authIdentity(), settings.host())
                    .authenticate(transport, where);
            transport.sendMessage(message, to);
        } catch (MessagingException e) {
            int code = replyCode(e);
            String msg = "sending mail via " + where + ": " + describe(e);
            throw code >= 500 ? NotifyException.doNotRetry(msg, e) : NotifyException.retryLater(msg, e);
        }
    }

    /** The SMTP reply code carried by the failure, or 0 (an I/O failure: connection refused or dropped). */
    static int replyCode(Throwable e) {
        for (Throwable t = e; t != null; t = t instanceof MessagingException me && me.getNextException() != null
                ? me.getNextException() : t.getCause()) {
            if (t instanceof SMTPSendFailedException s) {
                return s.getReturnCode();
            }
            if (t instanceof SMTPAddressFailedException s) {
                return s.getReturnCode();
            }
            if (t instanceof SMTPSenderFailedException s) {
                return s.getReturnCode();
            }
            if (t == t.getCause()) {
                break;
            }
        }
        return 0;
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()).strip());
        Throwable next = e instanceof MessagingException me ? me.getNextException() : e.getCause();
        if (next != null && next != e) {
            b.append(": ").append(next);
        }
        return b.toString();
    }

    private static InternetAddress parseOne(String field, String text) throws NotifyException {
        try {
            return new InternetAddress(text, true);
        } catch (AddressException e) {
            throw NotifyException.doNotRetry("parse '" + field + "' address " + text + ": " + e.getMessage(), e);
        }
    }

    private static InternetAddress[] parseList(String field, String text) throws NotifyException {
        try {
            InternetAddress[] list = InternetAddress.parse(text, true);
            if (list.length == 0) {
                throw NotifyException.doNotRetry("'" + field + "' rendered to no address", null);
            }
            return list;
        } catch (AddressException e) {
            throw NotifyException.doNotRetry("parse '" + field + "' addresses " + text + ": " + e.getMessage(), e);
        }
    }

}
