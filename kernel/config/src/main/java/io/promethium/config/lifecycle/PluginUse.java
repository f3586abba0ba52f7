package io.promethium.config.lifecycle;

import java.time.Duration;
import java.util.Objects;

/**
 * One config part built from a plugin service of one type, as its consumer holds it: the built
 * value while a service of its type is there ({@link #get()}), nothing while it waits. The
 * {@link PluginTracker} rebuilds it when the service changes; {@link #close()} releases it.
 * Thread-safe.
 *
 * @param <S> the plugin service
 * @param <T> what is built from it
 */
public final class PluginUse<S, T> implements AutoCloseable {

    private final PluginTracker<S> tracker;
    private final String type;
    private final String user;
    private final PluginBuilder<S, T> builder;
    // Written under the tracker's lock; volatile so the hot path reads without it.
    private volatile S source;
    private volatile T built;
    private volatile String error = "";
    private volatile boolean released;
    /** Set when the service went; cleared by a rebuild. Guarded by the tracker's lock. */
    long goneAtNanos = -1;

    PluginUse(PluginTracker<S> tracker, String type, String user, PluginBuilder<S, T> builder) {
        this.tracker = tracker;
        this.type = Objects.requireNonNull(type, "type is null");
        this.user = Objects.requireNonNull(user, "user is null");
        this.builder = Objects.requireNonNull(builder, "builder is null");
    }

    /** The plugin type this part needs ({@code cmdb}). */
    public String type() {
        return type;
    }

    /** Who uses it, for logs ({@code scrape job "node"}, {@code receiver "team"}). */
    public String user() {
        return user;
    }

    /** The value built from the current service, or null while waiting (or after a failed build). */
    public T get() {
        return built;
    }

    /** The service the current value was built from, or null. */
    public S source() {
        return source;
    }

    /** Whether no service of its type is installed: the part waits for its plugin. */
    public boolean waiting() {
        return !released && tracker.current(type) == null;
    }

    /** The last build's error, or empty. */
    public String error() {
        return error;
    }

    public boolean released() {
        return released;
    }

    /**
     * The built value, waiting up to {@code max} for one (a plugin being updated comes back within
     * a second or two); null when none came.
     */
    public T await(Duration max) throws InterruptedException {
        T value = built;
        if (value != null || released) {
            return value;
        }
        return tracker.awaitBuilt(this, max);
    }

    /** Releases the part: what was built is closed ({@link Closing#RELEASED}) and no longer rebuilt. */
    @Override
    public void close() {
        tracker.release(this);
    }

    // --- called by the tracker under its lock ---

    PluginBuilder<S, T> builder() {
        return builder;
    }

    void set(S from, T value, String buildError) {
        source = from;
        built = value;
        error = buildError == null ? "" : buildError;
    }

    void markReleased() {
        released = true;
    }

    @Override
    public String toString() {
        return type + " for " + user + (built != null ? "" : waiting() ? " (waiting for plugin)" : " (failed: " + error + ")");
    }
}
