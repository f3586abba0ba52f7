package io.promethium.web.internal.metrics;

import io.promethium.api.collect.Collector;
import io.promethium.api.collect.MetricWriter;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.config.lifecycle.PluginTracker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The collectors of {@code /metrics}, with the plugin tracker's rule for updates
 * ({@link PluginTracker}): the newest version of a collector wins, and what a version that went
 * gave is held for its replacement during the grace period.
 * <ul>
 *   <li>When a new version starts before the old one stops, both are registered for a moment; a
 *       scrape then reads the new version only, never both (duplicate series).</li>
 *   <li>The launcher's update stops the old version before it starts the new one (a plugin may
 *       save state on stop that the new one resumes from), which takes seconds for some. So when
 *       the last collector of a class leaves with no other version of it registered, the families
 *       it rendered at its last scrape are served in its place (the same series, their last
 *       values) until a collector of the same class name arrives, or for the grace period at
 *       most: a scrape in the gap sees no missing series, hence no staleness markers. A plugin
 *       stopped or removed with no new version installed beside it (the {@code replaced} check)
 *       leaves {@code /metrics} at once.</li>
 * </ul>
 * A version is a class loader: instances of one class from one bundle are all kept. Collectors of
 * this bundle itself ({@link #add} from the web component) are never updated apart from it and
 * are not recorded. One object bound more than once (registered under two service references, or
 * bound twice by the runtime) is collected once: its series twice would be duplicates, and a
 * client summing them reads double. Each binding is removed on its own unbind. Thread-safe.
 */
public final class Collectors {

    /** A bound collector; {@code last} is what it wrote at its last complete collection (null: none yet, or not recorded). */
    private static final class Bound {
        final Collector collector;
        final boolean recorded;
        volatile List<Family> last;

        Bound(Collector collector, boolean recorded) {
            this.collector = collector;
            this.recorded = recorded;
        }
    }

    /**
     * The families a collector that went rendered last, served until {@code deadline}
     * (System.nanoTime). Names and API values only: nothing that keeps the old bundle's class loader.
     */
    private record Held(String className, List<Family> families, long deadline) {
    }

    private record Sample(String name, Labels labels, double value) {
    }

    private record Family(String name, MetricType type, String help, String unit, List<Sample> samples) {
    }

    private final List<Bound> bound = new ArrayList<>();
    private final List<Held> held = new ArrayList<>();
    private final long graceNanos;
    private final LongSupplier nanoTime;
    private final Predicate<Collector> replaced;

    /**
     * With the plugin tracker's grace period ({@link PluginTracker#DEFAULT_GRACE}).
     *
     * @param replaced whether a collector that leaves is being replaced by a new version (its
     *                 plugin is being updated), so its last families are held
     */
    public Collectors(Predicate<Collector> replaced) {
        this(PluginTracker.DEFAULT_GRACE, System::nanoTime, replaced);
    }

    /**
     * @param grace how long the last families of a collector that went are served for a replacement
     * @param nanoTime the clock deadlines are read on
     * @param replaced whether a collector that leaves is being replaced by a new version
     */
    public Collectors(Duration grace, LongSupplier nanoTime, Predicate<Collector> replaced) {
        this.replaced = Objects.requireNonNull(replaced, "replaced is null");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative: " + grace);
        }
        this.graceNanos = grace.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime is null");
    }

    public synchronized void add(Collector collector) {
        Objects.requireNonNull(collector, "collector is null");
        Class<?> type = collector.getClass();
        bound.add(new Bound(collector, type.getClassLoader() != Collectors.class.getClassLoader()));
        // Its replacement arrived: what the previous version left goes now (never both versions).
        held.removeIf(h -> h.className().equals(type.getName()));
    }

    public synchronized void remove(Collector collector) {
        Bound gone = null;
        for (Iterator<Bound> it = bound.iterator(); it.hasNext(); ) {
            Bound b = it.next();
            if (b.collector == collector) {
                it.remove();
                gone = b;
                break;
            }
        }
        if (gone == null || gone.last == null || graceNanos == 0 || !replaced.test(collector)) {
            return;
        }
        Class<?> type = collector.getClass();
        for (Bound b : bound) {
            Class<?> other = b.collector.getClass();
            if (other.getName().equals(type.getName()) && other.getClassLoader() != type.getClassLoader()) {
                return; // another version serves the class already (a newer one started first, or the update was rolled back)
            }
        }
        held.add(new Held(type.getName(), gone.last, nanoTime.getAsLong() + graceNanos));
    }

    /**
     * What a scrape collects, in bind order: of each collector class, the newest version's
     * instances only; then, for a class no collector serves now, the last families of the
     * version that went, while its grace period lasts.
     */
    public synchronized List<Collector> snapshot() {
        // The newest class loader per class name: the version being swapped in.
        Map<String, ClassLoader> newest = new HashMap<>();
        for (Bound b : bound) {
            newest.put(b.collector.getClass().getName(), b.collector.getClass().getClassLoader());
        }
        List<Collector> result = new ArrayList<>(bound.size() + held.size());
        Set<Collector> collected = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Bound b : bound) {
            Class<?> type = b.collector.getClass();
            if (newest.get(type.getName()) == type.getClassLoader() && collected.add(b.collector)) {
                result.add(b.recorded ? writer -> collectRecording(b, writer) : b.collector);
            }
        }
        long now = nanoTime.getAsLong();
        held.removeIf(h -> now - h.deadline() >= 0);
        for (Held h : held) {
            if (!newest.containsKey(h.className())) {
                result.add(writer -> replay(h.families(), writer));
            }
        }
        return result;
    }

    /** Collects into {@code writer} and keeps a copy of what was written, once the collection completed. */
    private static void collectRecording(Bound b, MetricWriter writer) {
        Recorder recorder = new Recorder(writer);
        b.collector.collect(recorder);
        b.last = recorder.families();
    }

    private static void replay(List<Family> families, MetricWriter writer) {
        for (Family f : families) {
            writer.family(f.name(), f.type(), f.help(), f.unit());
            for (Sample s : f.samples()) {
                writer.sample(s.name(), s.labels(), s.value());
            }
        }
    }

    /** Passes each call on and keeps it: the copy a collector that goes leaves behind. */
    private static final class Recorder implements MetricWriter {
        private final MetricWriter target;
        private final List<Family> families = new ArrayList<>();
        private Family current;

        Recorder(MetricWriter target) {
            this.target = target;
        }

        @Override
        public void family(String name, MetricType type, String help, String unit) {
            target.family(name, type, help, unit);
            current = new Family(name, type, help, unit, new ArrayList<>());
            families.add(current);
        }

        @Override
        public void sample(String name, Labels labels, double value) {
            target.sample(name, labels, value);
            if (current != null) {
                current.samples().add(new Sample(name, labels, value));
            }
        }

        List<Family> families() {
            return List.copyOf(families);
        }
    }
}
