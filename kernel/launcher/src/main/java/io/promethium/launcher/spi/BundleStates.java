package io.promethium.launcher.spi;

import org.osgi.framework.Bundle;

/**
 * Bundle state names as the launcher logs them and the admin API reports them: one copy for both.
 *
 * @since 1.2
 */
public final class BundleStates {
    private BundleStates() {
    }

    /** The name of a {@link Bundle#getState()} value, {@code UNKNOWN} for anything else. */
    public static String name(int state) {
        return switch (state) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNKNOWN";
        };
    }
}
