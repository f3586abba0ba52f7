package io.promethium.testkit;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.http.ClientTls;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.notify.TemplateFields;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * A small SMTP notifier on Jakarta Mail for the kit's own tests, with {@code email_configs}'s
 * fields: with no {@link Break} it passes {@link AbstractSmtpNotifierContractTest}; each break
 * violates one rule and the kit's test checks that the base catches it.
 */
final class KitMailNotifierFactory implements NotifierFactory {

    enum Break {
        /** Every failure is retryable, 5xx replies and refused logins included. */
        RETRIES_PERMANENT_FAILURES,
        /** A failure is logged with the credentials. */
        LOGS_THE_PASSWORD,
        /** require_tls is ignored: no STARTTLS, credentials and mail in the clear. */
        IGNORES_REQUIRE_TLS
    }

    private static final Set<String> FIELDS = Set.of("to", "from", "smarthost", "require_tls", "auth_username", "auth_password",
            "tls_config", "text");
    private static final String DEFAULT_TEXT = "{{ template \"email.default.subject\" . }}";

    private final Set<Break> breaks;

    KitMailNotifierFactory(Break... breaks) {
        this.breaks = breaks.length == 0 ? EnumSet.noneOf(Break.class) : EnumSet.of(breaks[0], breaks);
    }

    @Override
    public String type() {
        return "kitmail";
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("auth_password");
    }

    @Override
    public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
        config.requireOnly(FIELDS);
        config.requiredString("to");
        config.requiredString("from");
        config.requiredString("smarthost");
        config.bool("require_tls", true);
        context.httpClients().validateTls(config.block("tls_config"));
        TemplateFields.check(config, context, Map.of("text", config.string("text", DEFAULT_TEXT)));
    }

    @Override
    public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
        validate(config, context);
        String smarthost = config.requiredString("smarthost");
        int colon = smarthost.lastIndexOf(':');
        String host = smarthost.substring(0, colon);
        int port = Integer.parseInt(smarthost.substring(colon + 1));
        String to = config.requiredString("to");
        String from = config.requiredString("from");
        boolean requireTls = config.bool("require_tls", true);
        String user = config.string("auth_username", null);
        String password = config.string("auth_password", null);
        String text = config.string("text", DEFAULT_TEXT);
        PluginConfig tlsBlock = config.block("tls_config");
        return (n, deadline) -> {
            long timeout = Duration.between(Instant.now(), deadline).toMillis();
            if (timeout <= 0) {
                throw NotifyException.doNotRetry("deadline passed before sending", null);
            }
            String body = TemplateFields.render(context, "text", text, n);
            Properties p = new Properties();
            p.put("mail.smtp.connectiontimeout", Long.toString(timeout));
            p.put("mail.smtp.timeout", Long.toString(timeout));
            if (requireTls && !breaks.contains(Break.IGNORES_REQUIRE_TLS)) {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
                ClientTls tls;
                try {
                    tls = context.httpClients().tls(tlsBlock, host, context.configDirectory());
                } catch (ConfigException e) {
                    throw NotifyException.retryLater(e.getMessage(), e);
                }
                p.put("mail.smtp.ssl.socketFactory", tls.socketFactory());
                p.put("mail.smtp.ssl.checkserveridentity", "false"); // the context's trust manager checks the names
            }
            p.put("mail.smtp.auth", Boolean.toString(user != null));
            Session session = Session.getInstance(p);
            try (SMTPTransport t = new SMTPTransport(session, null)) {
                MimeMessage m = new MimeMessage(session);
                m.setFrom(new InternetAddress(from));
                m.setSubject(body);
                m.setText(body, "UTF-8");
                t.connect(host, port, user, password);
                t.sendMessage(m, InternetAddress.parse(to));
            } catch (MessagingException e) {
                String msg = "sending via " + host + ":" + port + ": " + e.getMessage()
                        + (e.getNextException() != null ? ": " + e.getNextException() : "");
                if (breaks.contains(Break.LOGS_THE_PASSWORD)) {
                    context.logger().warning("as " + user + " with password " + password + ": " + msg);
                }
                boolean permanent = e instanceof AuthenticationFailedException || replyCode(e) >= 500;
                throw permanent && !breaks.contains(Break.RETRIES_PERMANENT_FAILURES)
                        ? NotifyException.doNotRetry(msg, e) : NotifyException.retryLater(msg, e);
            }
        };
    }

    private static int replyCode(MessagingException e) {
        for (Exception x = e; x != null; x = x instanceof MessagingException me ? me.getNextException() : null) {
            if (x instanceof SMTPSendFailedException s) {
                return s.getReturnCode();
            }
            if (x instanceof SMTPAddressFailedException s) {
                return s.getReturnCode();
            }
            if (x instanceof SMTPSenderFailedException s) {
                return s.getReturnCode();
            }
        }
        return 0;
    }
}
