package io.promethium.launcher;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Gives G1's committed heap back when it stays far above what young collections keep. G1 shrinks
 * its heap only at a full collection or at the end of a concurrent cycle, and starts a cycle only
 * when the old generation reaches a share of the committed heap; its periodic collection
 * ({@code G1PeriodicGCInterval}) fires only after an interval without any collection, which
 * never comes while a server ingests (a young collection every few seconds; its system-load
 * check is off by default, so load is not why). A heap grown by a burst (series created, a block
 * merge) or by pauses stretched on a busy machine therefore stayed committed for good.
 *
 * <p>After each young collection this compares the committed heap with the heap used after it:
 * when more than half is free, and more than {@code slackBytes} of it lies above the heap's floor
 * ({@code MinHeapSize}, which no cycle goes below), for {@code intervalMillis}
 * without a concurrent cycle or a full collection, it asks for a concurrent cycle through
 * {@code System.gc()}, which {@code -XX:+ExplicitGCInvokesConcurrent} (set by bin/promethium
 * with G1) turns into one; G1 then sizes the heap by {@code MaxHeapFreeRatio} at its remark
 * pause. At most one request per interval. Not started for another collector, nor when
 * {@code System.gc()} would be a full, stop-the-world collection.
 */
final class G1HeapGiveBack {

    private static final Logger LOG = Logger.getLogger(G1HeapGiveBack.class.getName());
    private static final String YOUNG = "G1 Young Generation";

    private final long intervalNanos;
    private final long slackBytes;
    private final long floorBytes;
    private final Set<String> heapPools;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::collected;
    private final AtomicBoolean requesting = new AtomicBoolean();
    private final AtomicLong requests = new AtomicLong();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "g1-heap-give-back");
        t.setDaemon(true);
        return t;
    });
    /** When the heap was first seen mostly free since the last whole-heap collection, or -1. */
    private volatile long bloatedSince = -1;
    private volatile long lastRequest;

    private G1HeapGiveBack(long intervalMillis, long slackBytes, long floorBytes, Set<String> heapPools) {
        this.intervalNanos = intervalMillis * 1_000_000;
        this.slackBytes = slackBytes;
        this.floorBytes = floorBytes;
        this.heapPools = heapPools;
        this.lastRequest = System.nanoTime() - intervalNanos;
    }

    /**
     * Starts watching when this JVM runs G1 with {@code ExplicitGCInvokesConcurrent}; empty
     * otherwise, or when {@code intervalMillis} is not positive (off).
     */
    static Optional<G1HeapGiveBack> start(long intervalMillis, long slackBytes) {
        if (intervalMillis <= 0) {
            return Optional.empty();
        }
        List<GarbageCollectorMXBean> g1 = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(gc -> gc.getName().startsWith("G1 ")).toList();
        if (g1.isEmpty()) {
            return Optional.empty();
        }
        var diagnostic = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        if (!explicitGcIsConcurrent(diagnostic)) {
            LOG.fine("G1 heap give-back off: System.gc() would be a full collection (-XX:+ExplicitGCInvokesConcurrent is not set)");
            return Optional.empty();
        }
        Set<String> pools = new java.util.HashSet<>();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pools.add(pool.getName());
            }
        }
        G1HeapGiveBack giveBack = new G1HeapGiveBack(intervalMillis, slackBytes, minHeapBytes(diagnostic), Set.copyOf(pools));
        for (GarbageCollectorMXBean gc : g1) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(giveBack.listener,
                        n -> GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType()), null);
                giveBack.emitters.add(emitter);
            }
        }
        LOG.fine(() -> "G1 heap give-back: a concurrent cycle once the heap is more than half free for " + intervalMillis + " ms");
        return Optional.of(giveBack);
    }

    private static boolean explicitGcIsConcurrent(com.sun.management.HotSpotDiagnosticMXBean diagnostic) {
        try {
            return diagnostic != null && Boolean.parseBoolean(diagnostic.getVMOption("ExplicitGCInvokesConcurrent").getValue());
        } catch (IllegalArgumentException e) {
            return false; // not a HotSpot VM
        }
    }

    /** The heap's floor ({@code MinHeapSize}, -Xms here): no remark shrinks the heap below it, so what lies under it is not asked for. */
    private static long minHeapBytes(com.sun.management.HotSpotDiagnosticMXBean diagnostic) {
        try {
            return Long.parseLong(diagnostic.getVMOption("MinHeapSize").getValue());
        } catch (IllegalArgumentException e) {
            return 0; // no such option: count every committed byte as one a cycle could give back
        }
    }

    /**
     * Whether a heap of {@code committed} bytes with {@code used} in use after a young collection
     * is mostly free, with more than {@code slackBytes} above both what it holds and its floor.
     */
    static boolean bloated(long committed, long used, long floorBytes, long slackBytes) {
        long free = committed - used;
        return free > used && committed - Math.max(used, floorBytes) > slackBytes;
    }

    /** Concurrent cycles asked for so far. */
    long requests() {
        return requests.get();
    }

    /** Stops watching. */
    void stop() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (javax.management.ListenerNotFoundException e) {
                // never added: nothing to remove
            }
        }
        worker.shutdownNow();
    }

    /** On the JVM's service thread: cheap, and the request itself runs on a thread of our own. */
    private void collected(Notification notification, Object handback) {
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long now = System.nanoTime();
        if (!YOUNG.equals(info.getGcName())) {
            // A remark or cleanup pause (a concurrent cycle) or a full collection: G1 has just sized the heap.
            bloatedSince = -1;
            return;
        }
        long used = 0;
        long committed = 0;
        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
                committed += e.getValue().getCommitted();
            }
        }
        if (!bloated(committed, used, floorBytes, slackBytes)) {
            bloatedSince = -1;
            return;
        }
        if (bloatedSince < 0) {
            bloatedSince = now;
            return;
        }
        if (now - bloatedSince < intervalNanos || now - lastRequest < intervalNanos || !requesting.compareAndSet(false, true)) {
            return;
        }
        lastRequest = now;
        long c = committed;
        long u = used;
        worker.execute(() -> {
            try {
                LOG.fine(() -> "Heap committed " + (c >> 20) + " MB for " + (u >> 20) + " MB used after young collections: "
                        + "asking G1 for a concurrent cycle to give memory back");
                requests.incrementAndGet();
                System.gc();
            } finally {
                bloatedSince = -1;
                requesting.set(false);
            }
        });
    }
}
