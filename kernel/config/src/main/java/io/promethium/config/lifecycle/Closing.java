package io.promethium.config.lifecycle;

/** Why a {@link PluginBuilder} is asked to close what it built. */
public enum Closing {
    /** The service it was built from went away and no other service of its type is there: the part now waits. */
    GONE,
    /** Another service of the same type took over (a newer version, or the one left when the newest went): a rebuild follows at once. */
    REPLACED,
    /** The consumer no longer needs the part (config reload, shutdown). */
    RELEASED
}
