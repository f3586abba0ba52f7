package io.promethium.notifiers.email;

import io.promethium.api.notify.NotifyException;
import jakarta.mail.MessagingException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * SMTP AUTH as Alertmanager chooses it: nothing without a username or when the server offers no
 * AUTH; else the first mechanism in the order the server lists them in its EHLO answer that the
 * block has the credential for (CRAM-MD5 needs {@code auth_secret}; PLAIN, with
 * {@code auth_identity}, and LOGIN need the password); an error listing what was missing when
 * none fits. PLAIN is refused on an unencrypted connection to another host than localhost, as
 * Go's PLAIN client does. Done here rather than by Angus, which picks by the client's order.
 */
record SmtpAuth(String username, String password, String secret, String identity, String host) {

    /** Authenticates on a connected transport (after EHLO and STARTTLS). */
    void authenticate(SMTPTransport transport, String where) throws NotifyException, MessagingException {
        if (username == null || username.isEmpty() || !transport.supportsExtension("AUTH")) {
            return;
        }
        String offered = String.valueOf(transport.getExtensionParameter("AUTH")).strip();
        List<String> missing = new ArrayList<>();
        for (String mechanism : offered.split(" ")) {
            switch (mechanism) {
                case "CRAM-MD5" -> {
                    if (secret == null || secret.isEmpty()) {
                        missing.add("missing secret for CRAM-MD5 auth mechanism");
                        continue;
                    }
                    cramMd5(transport, where);
                    return;
                }
                case "PLAIN" -> {
                    if (password == null || password.isEmpty()) {
                        missing.add("missing password for PLAIN auth mechanism");
                        continue;
                    }
                    plain(transport, where);
                    return;
                }
                case "LOGIN" -> {
                    if (password == null || password.isEmpty()) {
                        missing.add("missing password for LOGIN auth mechanism");
                        continue;
                    }
                    login(transport, where);
                    return;
                }
                default -> {
                    // a mechanism Alertmanager does not speak either
                }
            }
        }
        if (missing.isEmpty()) {
            missing.add("unknown auth mechanism: " + offered);
        }
        throw NotifyException.doNotRetry("SMTP authentication to " + where + " failed: " + String.join("; ", missing), null);
    }

    private void cramMd5(SMTPTransport t, String where) throws NotifyException, MessagingException {
        String challenge = new String(expect(t, t.simpleCommand("AUTH CRAM-MD5"), 334, where), StandardCharsets.ISO_8859_1);
        String digest;
        try {
            Mac mac = Mac.getInstance("HmacMD5");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacMD5"));
            digest = HexFormat.of().formatHex(mac.doFinal(challenge.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (GeneralSecurityException e) {
            throw NotifyException.doNotRetry("CRAM-MD5: " + e.getMessage(), e);
        }
        expect(t, t.simpleCommand(base64(username + " " + digest)), 235, where);
    }

    private void plain(SMTPTransport t, String where) throws NotifyException, MessagingException {
        if (!t.isSSL() && !isLocalhost(host)) {
            throw NotifyException.doNotRetry("SMTP authentication to " + where + " failed: PLAIN refused on an unencrypted connection", null);
        }
        String id = identity == null ? "" : identity;
        expect(t, t.simpleCommand("AUTH PLAIN " + base64(id + "\0" + username + "\0" + password)), 235, where);
    }

    private void login(SMTPTransport t, String where) throws NotifyException, MessagingException {
        byte[] prompt = expect(t, t.simpleCommand("AUTH LOGIN"), 334, where);
        for (int step = 0; step < 2; step++) {
            String asked = new String(prompt, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            String answer = switch (asked) {
                case "username:" -> username;
                case "password:" -> password;
                default -> throw NotifyException.doNotRetry("SMTP authentication to " + where
                        + " failed: unexpected LOGIN challenge " + asked, null);
            };
            int code = t.simpleCommand(base64(answer));
            if (code == 235) {
                return;
            }
            prompt = expect(t, code, 334, where);
        }
        expect(t, t.getLastReturnCode(), 235, where);
    }

    /** The decoded challenge of a reply with the {@code wanted} code, else the failure (5xx final, others retried). */
    private static byte[] expect(SMTPTransport t, int code, int wanted, String where) throws NotifyException {
        String reply = String.valueOf(t.getLastServerResponse()).strip();
        if (code != wanted) {
            String message = "SMTP authentication to " + where + " failed: " + reply;
            throw code >= 500 ? NotifyException.doNotRetry(message, null) : NotifyException.retryLater(message, null);
        }
        String text = reply.length() > 4 ? reply.substring(4).strip() : "";
        try {
            return code == 334 ? Base64.getDecoder().decode(text) : new byte[0];
        } catch (IllegalArgumentException e) {
            throw NotifyException.doNotRetry("SMTP authentication to " + where + " failed: malformed challenge " + text, e);
        }
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isLocalhost(String host) {
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1");
    }
}
