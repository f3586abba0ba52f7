package io.promethium.launcher;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;

/**
 * A collection trigger for the serial and parallel collectors' old generation, as Go's GOGC paces
 * its heap: once the old generation holds {@code percent}% more than it kept after the last old
 * collection (at least {@code floorBytes}), a full collection runs, and the trigger is set again
 * from what that collection kept. Those collectors collect the old generation only when it is
 * full and cannot grow, so without this a server's promoted garbage grows the heap towards its
 * maximum over days. The trigger is a usage threshold on the old generation's memory pool, which
 * the JVM checks at the end of each young collection (the only time the old generation grows), so
 * it costs nothing in between. Not started for G1, ZGC or Shenandoah, which pace themselves.
 */
final class OldGenPacer {

    private static final Logger LOG = Logger.getLogger(OldGenPacer.class.getName());
    /** The old generation's pool of the serial and of the parallel collector. */
    private static final List<String> OLD_POOLS = List.of("Tenured Gen", "PS Old Gen");

    private final MemoryPoolMXBean oldGen;
    private final GarbageCollectorMXBean oldCollector;
    private final int percent;
    private final long floorBytes;
    private final AtomicBoolean collecting = new AtomicBoolean();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "old-gen-pacer");
        t.setDaemon(true);
        return t;
    });
    private final NotificationListener onThreshold = this::thresholdCrossed;
    private final NotificationListener onOldCollection = (notification, handback) -> worker.execute(this::arm);

    private OldGenPacer(MemoryPoolMXBean oldGen, GarbageCollectorMXBean oldCollector, int percent, long floorBytes) {
        this.oldGen = oldGen;
        this.oldCollector = oldCollector;
        this.percent = percent;
        this.floorBytes = floorBytes;
    }

    /**
     * Starts pacing when this JVM's collector is the serial or the parallel one; empty otherwise
     * or when {@code percent} is not positive (pacing off).
     */
    static Optional<OldGenPacer> start(int percent, long floorBytes) {
        if (percent <= 0) {
            return Optional.empty();
        }
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() != MemoryType.HEAP || !OLD_POOLS.contains(pool.getName()) || !pool.isUsageThresholdSupported()) {
                continue;
            }
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                // The old collector is the one naming the old pool (the young one only promotes into it).
                if (List.of(gc.getMemoryPoolNames()).contains(pool.getName()) && gc instanceof NotificationEmitter) {
                    OldGenPacer pacer = new OldGenPacer(pool, gc, percent, floorBytes);
                    pacer.listen();
                    return Optional.of(pacer);
                }
            }
        }
        return Optional.empty();
    }

    /** The old generation's usage at which the next full collection starts. */
    static long threshold(long keptBytes, int percent, long floorBytes) {
        return Math.max(keptBytes + keptBytes / 100 * percent, floorBytes);
    }

    /** The usage at which the next full collection starts now. */
    long threshold() {
        return oldGen.getUsageThreshold();
    }

    /** The old-generation collections seen so far (ours and the collector's own). */
    long oldCollections() {
        return oldCollector.getCollectionCount();
    }

    private void listen() {
        arm();
        ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).addNotificationListener(onThreshold,
                n -> MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(n.getType()), null);
        ((NotificationEmitter) oldCollector).addNotificationListener(onOldCollection, null, null);
        LOG.fine(() -> "Old generation (" + oldGen.getName() + ") collected at " + percent + "% growth, first at " + threshold() + " bytes");
    }

    /** Stops pacing: the collector alone decides again. */
    void stop() {
        try {
            ((NotificationEmitter) ManagementFactory.getMemoryMXBean()).removeNotificationListener(onThreshold);
            ((NotificationEmitter) oldCollector).removeNotificationListener(onOldCollection);
        } catch (javax.management.ListenerNotFoundException e) {
            // never added: nothing to remove
        }
        worker.shutdownNow();
    }

    /** Sets the trigger from what the last old collection kept (nothing before the first). */
    private void arm() {
        java.lang.management.MemoryUsage kept = oldGen.getCollectionUsage();
        oldGen.setUsageThreshold(threshold(kept == null ? 0 : kept.getUsed(), percent, floorBytes));
    }

    private void thresholdCrossed(Notification notification, Object handback) {
        if (!(notification.getUserData() instanceof javax.management.openmbean.CompositeData data)
                || !oldGen.getName().equals(MemoryNotificationInfo.from(data).getPoolName())) {
            return;
        }
        // Collected on a thread of our own: the notification arrives on the JVM's service thread.
        if (collecting.compareAndSet(false, true)) {
            worker.execute(() -> {
                try {
                    if (oldGen.getUsage().getUsed() >= oldGen.getUsageThreshold()) {
                        System.gc();
                    }
                } finally {
                    collecting.set(false);
                    arm();
                }
            });
        }
    }
}
