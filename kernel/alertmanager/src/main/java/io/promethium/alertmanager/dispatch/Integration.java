package io.promethium.alertmanager.dispatch;

import io.promethium.alertmanager.config.IntegrationConfig;
import io.promethium.api.notify.Notifier;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One receiver's {@code <type>_configs} entry as the dispatcher sends through it. Its notifier
 * comes from a {@link Slot}: the runtime's slot is rebuilt whenever the notifier plugin of its
 * type changes, and is empty while no plugin of the type is installed (the integration waits).
 * The dispatcher asks the slot for the notifier on every attempt, so an attempt never runs code
 * of a plugin that went.
 */
public record Integration(String receiver, IntegrationConfig config, Slot slot) {
    public Integration {
        Objects.requireNonNull(receiver, "receiver is null");
        Objects.requireNonNull(config, "config is null");
        Objects.requireNonNull(slot, "slot is null");
    }

    /** An integration with a fixed notifier (tests, embedders without plugins coming and going). */
    public Integration(String receiver, IntegrationConfig config, Notifier notifier) {
        this(receiver, config, Slot.of(new Built(notifier, config.sendResolved())));
    }

    /**
     * A notifier built from the plugin of the integration's type, with the {@code send_resolved}
     * in force (the plugin's default when the block does not say). The attempts running on it
     * are interrupted when the plugin goes.
     */
    public static final class Built {
        private final Notifier notifier;
        private final boolean sendResolved;
        private final Set<Thread> inFlight = ConcurrentHashMap.newKeySet();
        private volatile boolean closed;

        public Built(Notifier notifier, boolean sendResolved) {
            this.notifier = Objects.requireNonNull(notifier, "notifier is null");
            this.sendResolved = sendResolved;
        }

        public Notifier notifier() {
            return notifier;
        }

        public boolean sendResolved() {
            return sendResolved;
        }

        /** Registers an attempt's thread; false when the notifier is closed already (do not send). */
        boolean enter(Thread attempt) {
            inFlight.add(attempt);
            if (closed) {
                inFlight.remove(attempt);
                return false;
            }
            return true;
        }

        void exit(Thread attempt) {
            inFlight.remove(attempt);
        }

        /** Whether the notifier is closed: its plugin went (or the configuration was reloaded). */
        boolean closed() {
            return closed;
        }

        /** Stops every attempt in flight and closes the notifier: no code of it runs afterwards for this integration. */
        public void close() {
            closed = true;
            for (Thread attempt : inFlight) {
                attempt.interrupt();
            }
            try {
                notifier.close();
            } catch (RuntimeException e) {
                java.util.logging.Logger.getLogger(Integration.class.getName()).log(java.util.logging.Level.FINE, "closing notifier failed", e);
            }
        }
    }

    /** Where an integration's current notifier is. Thread-safe. */
    public interface Slot {

        /** The notifier now, or null while the integration waits for its plugin (or its plugin refused the block). */
        Built get();

        /** The notifier, waiting up to {@code max} for one (a plugin being updated comes back within a second or two). */
        Built await(Duration max) throws InterruptedException;

        /** Why there is no notifier ({@code waiting for plugin `teams`}, the plugin's error), or empty. */
        String why();

        /** Closes the notifier (reload, shutdown). */
        void close();

        /** A slot holding one notifier for good. */
        static Slot of(Built built) {
            return new Slot() {
                @Override
                public Built get() {
                    return built;
                }

                @Override
                public Built await(Duration max) {
                    return built;
                }

                @Override
                public String why() {
                    return "";
                }

                @Override
                public void close() {
                    built.close();
                }
            };
        }
    }
}
