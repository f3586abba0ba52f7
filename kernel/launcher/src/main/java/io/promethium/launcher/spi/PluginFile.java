package io.promethium.launcher.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A jar in the plugin folder.
 *
 * @param bundleId the installed bundle, or -1 when the jar could not be installed
 * @param error why the jar is not running (or why its last update was refused), or {@code ""}
 * @param signature what the jar's signature is: {@link #UNSIGNED}, {@link #SIGNED} (signed, no
 *                  trust store to check it against), {@link #TRUSTED} (signed by a key of
 *                  {@code --plugins.trust-store}) or {@link #INVALID} (the reason is in {@code error})
 * @param signer the subject of the certificate that signed the jar, or {@code ""}
 * @since 1.2 (signature and signer)
 */
public record PluginFile(String fileName, long bundleId, String error, Instant lastChanged, String signature, String signer) {

    public static final String UNSIGNED = "unsigned";
    public static final String SIGNED = "signed";
    public static final String TRUSTED = "trusted";
    public static final String INVALID = "invalid";

    public PluginFile {
        Objects.requireNonNull(fileName, "fileName is null");
        error = error == null ? "" : error;
        Objects.requireNonNull(lastChanged, "lastChanged is null");
        signature = signature == null || signature.isEmpty() ? UNSIGNED : signature;
        signer = signer == null ? "" : signer;
    }

    /** A jar whose signature was not looked at (the 1.1 form). */
    public PluginFile(String fileName, long bundleId, String error, Instant lastChanged) {
        this(fileName, bundleId, error, lastChanged, UNSIGNED, "");
    }
}
