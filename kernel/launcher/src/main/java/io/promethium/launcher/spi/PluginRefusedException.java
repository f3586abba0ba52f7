package io.promethium.launcher.spi;

import java.io.IOException;
import java.util.Objects;

/**
 * A jar the plugin folder did not take. Nothing of it was kept: the folder and the running
 * bundles are as they were before (an update's previous version runs on).
 *
 * @since 1.2
 */
public final class PluginRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why a jar was refused. */
    public enum Reason {
        /** Not a bundle: not a zip, no usable manifest, a duplicate. */
        INVALID,
        /** Its signature: unsigned, tampered, partially signed or not by a trusted key ({@code --plugins.trust-store}). */
        UNTRUSTED,
        /** A bundle that did not resolve (a missing import) or start. */
        FAILED
    }

    private final Reason reason;

    public PluginRefusedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason is null");
    }

    public Reason reason() {
        return reason;
    }
}
