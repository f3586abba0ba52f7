package io.promethium.storage.view;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.DeclaredCapabilities;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageCapability;
import io.promethium.api.storage.StorageException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Appends to the primary storage by what it declares it keeps ({@link DeclaredCapabilities}), so
 * that nothing is lost without notice: a kind the storage does not declare never reaches its
 * appender. Native histograms are refused with {@code UNSUPPORTED} naming the storage; exemplars,
 * metadata and start timestamps are dropped here, which the log says when the storage registers
 * and again at the first of each kind dropped. A storage that declares everything, or nothing
 * (written before api storage 1.15), gets its own appender unwrapped.
 */
final class CapabilityRouter {

    private static final Logger LOG = Logger.getLogger(CapabilityRouter.class.getName());

    private final Storage primary;
    private final String name;
    private final boolean declared;
    private final Set<StorageCapability> kept;
    private final boolean passThrough;
    private final Consumer<String> log;
    /** One "first dropped" message per capability, for this primary's lifetime. */
    private final AtomicBoolean[] told = new AtomicBoolean[StorageCapability.values().length];

    CapabilityRouter(Storage primary) {
        this(primary, message -> LOG.log(Level.WARNING, message));
    }

    CapabilityRouter(Storage primary, Consumer<String> warnings) {
        this.primary = primary;
        this.name = primary.getClass().getName();
        this.log = warnings;
        for (int i = 0; i < told.length; i++) {
            told[i] = new AtomicBoolean();
        }
        if (primary instanceof DeclaredCapabilities d) {
            Set<StorageCapability> declaredSet = d.capabilities();
            this.declared = true;
            this.kept = declaredSet.isEmpty() ? EnumSet.noneOf(StorageCapability.class) : EnumSet.copyOf(declaredSet);
            this.passThrough = kept.containsAll(EnumSet.allOf(StorageCapability.class));
            if (passThrough) {
                LOG.info("primary storage " + name + " keeps floats and " + kept);
            } else {
                warnings.accept("primary storage " + name + " keeps floats and " + kept + "; not kept: "
                        + EnumSet.complementOf(EnumSet.copyOf(kept)) + " (native histograms are refused, the others dropped)");
            }
        } else {
            this.declared = false;
            this.kept = EnumSet.allOf(StorageCapability.class);
            this.passThrough = true;
            warnings.accept("primary storage " + name + " does not declare what it keeps (api storage 1.15 DeclaredCapabilities):"
                    + " native histograms, exemplars, metadata or start timestamps it does not keep may be lost without notice");
        }
    }

    /** What writes through the view keep: the primary's declaration, or everything when it made none (calls pass through). */
    Set<StorageCapability> capabilities() {
        return Set.copyOf(kept);
    }

    /** Whether the primary declared its capabilities. */
    boolean declared() {
        return declared;
    }

    Appender appender() {
        Appender a = primary.appender();
        return passThrough ? a : new Routed(a);
    }

    private boolean keeps(StorageCapability c) {
        return kept.contains(c);
    }

    private void dropped(StorageCapability c, Labels labels) {
        if (told[c.ordinal()].compareAndSet(false, true)) {
            log.accept("dropped " + c + " of " + labels + ": primary storage " + name + " does not keep them (it keeps " + kept
                    + "); further ones are dropped without a message");
        }
    }

    private StorageException noHistograms() {
        return new StorageException(StorageException.Reason.UNSUPPORTED,
                "primary storage " + name + " does not store native histograms (it keeps floats and " + kept + ")");
    }

    private final class Routed implements Appender {
        private final Appender to;

        Routed(Appender to) {
            this.to = to;
        }

        @Override
        public long append(long ref, Labels labels, long timestamp, double value) {
            return to.append(ref, labels, timestamp, value);
        }

        @Override
        public long appendWithStart(long ref, Labels labels, long startTimestamp, long timestamp, double value) {
            if (keeps(StorageCapability.START_TIMESTAMPS)) {
                return to.appendWithStart(ref, labels, startTimestamp, timestamp, value);
            }
            if (startTimestamp != 0) {
                dropped(StorageCapability.START_TIMESTAMPS, labels);
            }
            return to.append(ref, labels, timestamp, value);
        }

        @Override
        public long appendHistogram(long ref, Labels labels, long timestamp, Histogram histogram) {
            if (!keeps(StorageCapability.NATIVE_HISTOGRAMS)) {
                throw noHistograms();
            }
            return to.appendHistogram(ref, labels, timestamp, histogram);
        }

        @Override
        public long appendHistogram(long ref, Labels labels, long timestamp, FloatHistogram histogram) {
            if (!keeps(StorageCapability.NATIVE_HISTOGRAMS)) {
                throw noHistograms();
            }
            return to.appendHistogram(ref, labels, timestamp, histogram);
        }

        @Override
        public long appendHistogramWithStart(long ref, Labels labels, long startTimestamp, long timestamp, Histogram histogram) {
            if (!keeps(StorageCapability.NATIVE_HISTOGRAMS)) {
                throw noHistograms();
            }
            if (keeps(StorageCapability.START_TIMESTAMPS)) {
                return to.appendHistogramWithStart(ref, labels, startTimestamp, timestamp, histogram);
            }
            if (startTimestamp != 0) {
                dropped(StorageCapability.START_TIMESTAMPS, labels);
            }
            return to.appendHistogram(ref, labels, timestamp, histogram);
        }

        @Override
        public long appendHistogramWithStart(long ref, Labels labels, long startTimestamp, long timestamp, FloatHistogram histogram) {
            if (!keeps(StorageCapability.NATIVE_HISTOGRAMS)) {
                throw noHistograms();
            }
            if (keeps(StorageCapability.START_TIMESTAMPS)) {
                return to.appendHistogramWithStart(ref, labels, startTimestamp, timestamp, histogram);
            }
            if (startTimestamp != 0) {
                dropped(StorageCapability.START_TIMESTAMPS, labels);
            }
            return to.appendHistogram(ref, labels, timestamp, histogram);
        }

        @Override
        public long appendExemplar(long ref, Labels labels, Exemplar exemplar) {
            if (keeps(StorageCapability.EXEMPLARS)) {
                return to.appendExemplar(ref, labels, exemplar);
            }
            dropped(StorageCapability.EXEMPLARS, labels);
            return ref;
        }

        @Override
        public long updateMetadata(long ref, Labels labels, Metadata metadata) {
            if (keeps(StorageCapability.METADATA)) {
                return to.updateMetadata(ref, labels, metadata);
            }
            dropped(StorageCapability.METADATA, labels);
            return ref;
        }

        @Override
        public void commit() {
            to.commit();
        }

        @Override
        public void rollback() {
            to.rollback();
        }
    }
}
