package io.promethium.api.notify;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A secret of a receiver block, given as Alertmanager allows it: inline ({@code api_key}) or in
 * a file ({@code api_key_file}, relative to the config's folder), at most one of the two, else
 * taken from the {@code global} block's pair of the same shape ({@code opsgenie_api_key},
 * {@code opsgenie_api_key_file}). A file is read at each send, so a rotated secret applies
 * without a reload. Exactly one of {@code value} and {@code file} is non-null. The value is
 * never part of a message; {@link #toString()} shows {@code <secret>}.
 *
 * <pre>{@code
 * SecretField key = SecretField.of(block, context, "api_key", "opsgenie_api_key");
 * if (key == null) throw block.error("api_key", "missing api_key");
 * ...
 * request.header("Authorization", "GenieKey " + key.read());
 * }</pre>
 *
 * @param field the block's field name ({@code api_key}), for messages
 * @param value the inline value, or null
 * @param file the file holding it, or null
 * @since 1.4
 */
public record SecretField(String field, String value, Path file) {

    public SecretField {
        if ((value == null) == (file == null)) {
            throw new IllegalArgumentException(field + ": exactly one of a value and a file");
        }
    }

    /**
     * {@code field} or {@code field_file} of {@code block} (an empty string counts as unset),
     * else {@code globalField} or {@code globalField_file} of the {@code global} block.
     *
     * @param globalField the global key, or null when the field has no global default
     * @return the secret, or null when none is set anywhere
     * @throws ConfigException naming the field when both {@code field} and {@code field_file} are set
     */
    public static SecretField of(PluginConfig block, NotifierContext context, String field, String globalField)
            throws ConfigException {
        String value = emptyToNull(block.string(field, null));
        String file = emptyToNull(block.string(field + "_file", null));
        if (value != null && file != null) {
            throw block.error(field, "at most one of " + field + " & " + field + "_file must be configured");
        }
        if (value == null && file == null && globalField != null) {
            value = context.globalString(globalField);
            file = context.globalString(globalField + "_file");
        }
        if (value == null && file == null) {
            return null;
        }
        return new SecretField(field, value, file == null ? null : context.configDirectory().resolve(file));
    }

    /**
     * The secret: the inline value, or the file's content without surrounding white space.
     *
     * @throws NotifyException retryable (the file may be in the middle of a rotation, as
     *     Alertmanager treats it), naming {@code field_file} and the file, not its content
     */
    public String read() throws NotifyException {
        if (value != null) {
            return value;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw NotifyException.retryLater(field + "_file " + file + ": " + e.getClass().getSimpleName(), null);
        }
    }

    /** The field and, for a file, its path; never the value. */
    @Override
    public String toString() {
        return field + (file != null ? "_file=" + file : "=<secret>");
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
