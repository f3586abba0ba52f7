package io.promethium.notifiers.email;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.NotifierContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One validated {@code email_configs} block with the {@code global} SMTP defaults applied as
 * Alertmanager applies them: {@code smarthost}, {@code from}, {@code hello}, each
 * {@code auth_*} and {@code require_tls} fall back to {@code smtp_*}; {@code To}, {@code From} and
 * {@code Subject} headers default to the {@code to}/{@code from} fields and the default subject.
 *
 * @param implicitTls TLS from the first byte: {@code force_implicit_tls}, else the global
 *                    {@code smtp_force_implicit_tls}, else the smarthost's port is 465 (Alertmanager 0.34);
 *                    when false, {@code require_tls} decides STARTTLS
 * @param tls the {@code tls_config} block, else the global {@code smtp_tls_config} (validated; null for
 *            the defaults), turned into TLS at each
 *            connection by the kernel's {@code HttpClientFactory#tls} so rotated files apply
 * @param headers header templates by canonical name ({@code Subject}, {@code X-Foo}), To/From included
 * @param html the HTML body template, or null for none
 * @param text the plain-text body template, or null for none
 * @param threading {@code threading.enabled}: every mail of a group carries {@code References} and
 *                  {@code In-Reply-To} naming one thread root (Alertmanager 0.34)
 * @param threadByDate {@code threading.thread_by_date: daily}: the root changes each day, so a
 *                     group's mails thread by day; false for {@code none} (one thread per group)
 */
record EmailSettings(String to, String from, String host, int port, String hello, String authUsername,
                     String authPassword, Path authPasswordFile, String authSecret, Path authSecretFile, String authIdentity,
                     boolean requireTls, boolean implicitTls, PluginConfig tls, Map<String, String> headers, String html, String text,
                     boolean threading, boolean threadByDate) {

    static final Set<String> FIELDS = Set.of("to", "from", "smarthost", "hello", "auth_username", "auth_password",
            "auth_password_file", "auth_secret", "auth_secret_file", "auth_identity", "require_tls", "force_implicit_tls", "tls_config", "headers", "html", "text", "threading");

    static final Set<String> THREADING_FIELDS = Set.of("enabled", "thread_by_date");

    static final String DEFAULT_HTML = "{{ template \"email.default.html\" . }}";
    static final String DEFAULT_SUBJECT = "{{ template \"email.default.subject\" . }}";

    static EmailSettings parse(PluginConfig c, NotifierContext context) throws ConfigException {
        c.requireOnly(FIELDS);
        Map<String, Object> g = context.globals();
        String to = c.string("to", null);
        if (to == null || to.isEmpty()) {
            throw c.error("missing to address in email config");
        }
        String smarthost = orGlobal(c.string("smarthost", null), g, "smtp_smarthost");
        if (smarthost == null) {
            throw c.error("no global SMTP smarthost set (smarthost or global smtp_smarthost)");
        }
        int colon = smarthost.lastIndexOf(':');
        if (colon <= 0 || colon == smarthost.length() - 1) {
            throw c.error("smarthost: address " + smarthost + ": missing port in address (want host:port)");
        }
        String host = smarthost.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(smarthost.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw c.error("smarthost: invalid port in " + smarthost);
        }
        if (port <= 0 || port > 65535) {
            throw c.error("smarthost: invalid port in " + smarthost);
        }
        String from = orGlobal(c.string("from", null), g, "smtp_from");
        if (from == null) {
            throw c.error("no global SMTP from set (from or global smtp_from)");
        }
        String hello = orGlobal(c.string("hello", null), g, "smtp_hello");
        if (hello == null) {
            hello = "localhost";
        }
        String username = orGlobal(c.string("auth_username", null), g, "smtp_auth_username");
        String password = c.string("auth_password", null);
        String passwordFile = c.string("auth_password_file", null);
        if (password != null && passwordFile != null) {
            throw c.error("at most one of auth_password & auth_password_file must be configured");
        }
        if (password == null && passwordFile == null) {
            password = global(g, "smtp_auth_password");
            passwordFile = global(g, "smtp_auth_password_file");
        }
        String secret = c.string("auth_secret", null);
        String secretFile = c.string("auth_secret_file", null);
        if (secret != null && secretFile != null) {
            throw c.error("at most one of auth_secret & auth_secret_file must be configured");
        }
        if (secret == null && secretFile == null) {
            secret = global(g, "smtp_auth_secret");
            secretFile = global(g, "smtp_auth_secret_file");
        }
        String identity = orGlobal(c.string("auth_identity", null), g, "smtp_auth_identity");
        boolean requireTls;
        if (c.values().get("require_tls") != null) {
            requireTls = c.bool("require_tls", true);
        } else {
            Object gr = g.get("smtp_require_tls");
            requireTls = !(gr instanceof Boolean b) || b;
        }
        boolean implicitTls;
        if (c.values().get("force_implicit_tls") != null) {
            implicitTls = c.bool("force_implicit_tls", false);
        } else if (g.get("smtp_force_implicit_tls") instanceof Boolean b) {
            implicitTls = b;
        } else {
            implicitTls = port == 465;
        }
        PluginConfig tls = c.block("tls_config");
        if (tls == null && g.get("smtp_tls_config") instanceof Map<?, ?> global) {
            // Alertmanager 0.34: the global smtp_tls_config is the default, taken whole (not merged
            // field by field); the kernel checked it at its own file:line:col.
            @SuppressWarnings("unchecked")
            Map<String, Object> values = (Map<String, Object>) global;
            tls = new PluginConfig("global.smtp_tls_config", values, "global.smtp_tls_config");
        }
        context.httpClients().validateTls(tls);

        Map<String, String> headers = new LinkedHashMap<>();
        Object rawHeaders = c.values().get("headers");
        if (rawHeaders != null) {
            if (!(rawHeaders instanceof Map<?, ?> m)) {
                throw c.error("headers: expected a mapping");
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String name = canonical(String.valueOf(e.getKey()));
                if (!(e.getValue() instanceof String) && e.getValue() != null) {
                    throw c.error("headers." + e.getKey() + ": expected a string");
                }
                if (headers.put(name, e.getValue() == null ? "" : (String) e.getValue()) != null) {
                    throw c.error("duplicate header \"" + name + "\" in email config");
                }
            }
        }
        boolean threading = false;
        boolean threadByDate = true;
        PluginConfig thread = c.block("threading");
        if (thread != null) {
            thread.requireOnly(THREADING_FIELDS);
            threading = thread.bool("enabled", false);
            String by = thread.string("thread_by_date", "");
            if (threading) {
                // Alertmanager 0.34's checks, in its order; thread_by_date has no default when enabled.
                for (String taken : new String[] {"References", "In-Reply-To"}) {
                    if (headers.containsKey(taken)) {
                        throw c.error("threading", "conflicting configuration: threading.enabled conflicts with custom "
                                + taken + " header");
                    }
                }
                if (!by.equals("none") && !by.equals("daily")) {
                    throw thread.error("thread_by_date", "threading.thread_by_date must be either 'none' or 'daily'");
                }
            }
            threadByDate = !by.equals("none");
        }
        headers.putIfAbsent("Subject", DEFAULT_SUBJECT);
        headers.putIfAbsent("To", to);
        headers.putIfAbsent("From", from);
        String html = c.values().containsKey("html") ? c.string("html", null) : DEFAULT_HTML;
        String text = c.string("text", null);
        if (html != null && html.isEmpty()) {
            html = null;
        }
        if (text != null && text.isEmpty()) {
            text = null;
        }
        Path pwFile = passwordFile == null ? null : context.configDirectory().resolve(passwordFile);
        return new EmailSettings(to, from, host, port, hello, username, password, pwFile, secret,
                secretFile == null ? null : context.configDirectory().resolve(secretFile), identity,
                requireTls, implicitTls, tls, Map.copyOf(headers), html, text, threading, threadByDate);
    }

    /** The CRAM-MD5 secret, read from its file at each send so a rotated secret applies. */
    String secret() throws IOException {
        if (authSecretFile != null) {
            return Files.readString(authSecretFile, StandardCharsets.UTF_8).strip();
        }
        return authSecret;
    }

    /** The password, read from its file at each send so a rotated secret applies. */
    String password() throws IOException {
        if (authPasswordFile != null) {
            return Files.readString(authPasswordFile, StandardCharsets.UTF_8).strip();
        }
        return authPassword;
    }

    private static String orGlobal(String value, Map<String, Object> g, String key) {
        return value != null && !value.isEmpty() ? value : global(g, key);
    }

    private static String global(Map<String, Object> g, String key) {
        Object v = g.get(key);
        return v == null || v.toString().isEmpty() ? null : v.toString();
    }

    /** Go's textproto.CanonicalMIMEHeaderKey: {@code x-foo-bar} becomes {@code X-Foo-Bar}. */
    static String canonical(String name) {
        StringBuilder b = new StringBuilder(name.length());
        boolean upper = true;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch == ' ') {
                return name; // Go leaves keys with spaces alone
            }
            b.append(upper ? Character.toUpperCase(ch) : Character.toLowerCase(ch));
            upper = ch == '-';
        }
        return b.toString().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)) ? b.toString() : name;
    }
}
