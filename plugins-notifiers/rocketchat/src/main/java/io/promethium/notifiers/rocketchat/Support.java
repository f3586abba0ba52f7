package io.promethium.notifiers.rocketchat;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifyException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The config and send-time chores every notifier of this project repeats (a plugin depends on
 * the api only, so each carries its own copy): URLs, secrets inline or in a file (with the
 * {@code global} fallback), templates checked and rendered with their field named, Alertmanager's
 * truncation and group key hash.
 */
final class Support {

    private Support() {
    }

    /** A secret given inline or as a file read at each send (so rotation applies); never shown. */
    record Secret(String field, String value, Path file) {

        String read() throws NotifyException {
            if (value != null) {
                return value;
            }
            try {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                // Retryable as Alertmanager: the file may be in the middle of being rotated.
                throw NotifyException.retryLater(field + "_file " + file + ": " + e.getClass().getSimpleName(), null);
            }
        }
    }

    /** A string of {@code global}, or null. */
    static String global(NotifierContext context, String key) {
        Object v = context.globals().get(key);
        return v == null || v.toString().isEmpty() ? null : v.toString();
    }

    /**
     * {@code field} or {@code field_file} of the block (at most one), else the globals named (may be
     * null); null when none is set.
     */
    static Secret secret(PluginConfig c, NotifierContext context, String field, String globalField) throws ConfigException {
        String value = c.string(field, null);
        String file = c.string(field + "_file", null);
        if (value != null && value.isEmpty()) {
            value = null;
        }
        if (file != null && file.isEmpty()) {
            file = null;
        }
        if (value != null && file != null) {
            throw c.error(field, "at most one of " + field + " & " + field + "_file must be configured");
        }
        if (value == null && file == null && globalField != null) {
            value = global(context, globalField);
            file = global(context, globalField + "_file");
        }
        if (value == null && file == null) {
            return null;
        }
        return new Secret(field, value, file == null ? null : context.configDirectory().resolve(file));
    }

    /** An http(s) URL with a host; a secret URL is not echoed in the error. */
    static URI url(PluginConfig c, String field, String value, boolean secret) throws ConfigException {
        try {
            URI uri = new URI(value.strip());
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")) || uri.getHost() == null) {
                throw c.error(field, field + ": unsupported scheme or missing host (want http:// or https://)"
                        + (secret ? "" : ": " + value));
            }
            return uri;
        } catch (URISyntaxException e) {
            throw c.error(field, field + ": invalid URL" + (secret ? "" : ": " + e.getMessage()));
        }
    }

    /** A URL read from a file at send time (the URL is a secret: not echoed). */
    static URI urlFromFile(String field, Path file) throws NotifyException {
        try {
            return URI.create(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw NotifyException.retryLater(field + " " + file + ": " + e.getClass().getSimpleName(), null);
        } catch (IllegalArgumentException e) {
            throw NotifyException.doNotRetry(field + " " + file + ": not a valid URL", null);
        }
    }

    /** Parses each template, an error naming its field and where it is. */
    static void checkTemplates(PluginConfig c, NotifierContext context, Map<String, String> templates) throws ConfigException {
        if (context.templates() == null) {
            return;
        }
        for (Map.Entry<String, String> e : templates.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            try {
                context.templates().check(e.getValue());
            } catch (ConfigException ex) {
                String top = e.getKey().contains(".") ? e.getKey().substring(0, e.getKey().indexOf('.')) : e.getKey();
                throw c.error(top, e.getKey() + ": " + ex.getMessage());
            }
        }
    }

    /** Renders one field's template; a failure names the field and is not retried. */
    static String render(NotifierContext context, String field, String text, Notification n) throws NotifyException {
        if (text == null || text.isEmpty()) {
            return "";
        }
        try {
            return context.templates().render(text, n);
        } catch (NotifyException e) {
            throw NotifyException.doNotRetry(field + ": " + e.getMessage(), e);
        }
    }

    /** Alertmanager's TruncateInRunes: at most {@code max} code points, the last one an ellipsis when cut. */
    static String truncateRunes(String s, int max) {
        if (s.codePointCount(0, s.length()) <= max) {
            return s;
        }
        if (max <= 3) {
            return s.substring(0, s.offsetByCodePoints(0, max));
        }
        return s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }

    /** Whether {@code s} was cut by {@link #truncateRunes}. */
    static boolean longerThan(String s, int max) {
        return s.codePointCount(0, s.length()) > max;
    }

    /** Alertmanager's group key hash: SHA-256 of the group key, hex (its alias, entity id, dedup key). */
    static String hash(String groupKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(groupKey.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
