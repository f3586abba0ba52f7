package io.promethium.api.notify;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A receiver's URLs as Alertmanager checks them: absolute {@code http} or {@code https} with a
 * host. A URL that is a secret (a webhook URL carries its token) is never echoed in an error.
 *
 * @since 1.4
 */
public final class NotifierUrls {

    private NotifierUrls() {
    }

    /**
     * Parses {@code value}, the value of {@code field} of {@code block}.
     *
     * @param secret whether the URL is a secret (then the error names the field only)
     * @throws ConfigException at the field's location, for an invalid URL, another scheme or no host
     */
    public static URI parse(PluginConfig block, String field, String value, boolean secret) throws ConfigException {
        try {
            URI uri = new URI(value.strip());
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw block.error(field, field + ": unsupported scheme or missing host (want http:// or https://)"
                        + (secret ? "" : ": " + value));
            }
            return uri;
        } catch (URISyntaxException e) {
            throw block.error(field, field + ": invalid URL" + (secret ? "" : ": " + e.getMessage()));
        }
    }

    /**
     * A URL read from {@code file} at send time ({@code url_file}: a secret, so not echoed).
     *
     * @param field the field that names the file ({@code url_file}), for messages
     * @throws NotifyException retryable when the file cannot be read (it may be being rotated),
     *     not retryable when its content is not a URL
     */
    public static URI fromFile(String field, Path file) throws NotifyException {
        try {
            return URI.create(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw NotifyException.retryLater(field + " " + file + ": " + e.getClass().getSimpleName(), null);
        } catch (IllegalArgumentException e) {
            throw NotifyException.doNotRetry(field + " " + file + ": not a valid URL", null);
        }
    }
}
