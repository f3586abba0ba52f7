package io.promethium.api.notify;

import java.nio.file.Path;
import java.util.Map;
import java.util.logging.Logger;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the kernel gives a notifier with its config: the receiver it serves, the {@code global}
 * defaults of {@code alertmanager.yml}, the template renderer, and whether resolved
 * notifications are wanted. Thread-safe; valid until the notifier is closed.
 */
@ProviderType
public interface NotifierContext {

    /** The receiver's name, for logs and metric labels. */
    String receiver();

    /** The folder of {@code alertmanager.yml}; relative file names ({@code url_file}) resolve against it. */
    Path configDirectory();

    /**
     * The {@code global} block as YAML gave it (strings, numbers, booleans, lists, maps), with
     * Alertmanager's defaults filled in ({@code resolve_timeout}, {@code smtp_require_tls}, the
     * API URLs of Slack, PagerDuty, ...). A notifier takes its own defaults from here.
     */
    Map<String, Object> globals();

    /** Renders notification text with the config's templates and the built-in defaults. */
    TemplateRenderer templates();

    /** The effective {@code send_resolved} of this block. */
    boolean sendResolved();

    /** A logger named for the notifier type and receiver. */
    Logger logger();
}
