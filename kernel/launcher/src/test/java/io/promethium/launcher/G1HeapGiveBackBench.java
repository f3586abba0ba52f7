package io.promethium.launcher;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The load that leaves G1's heap committed far above its live data: a burst that keeps 600 MB
 * live for a moment (as the creation of many series or a block merge does), then a steady 40 MB
 * live set with ~200 MB/s of short-lived garbage (a young collection every few seconds, so
 * G1's periodic collection never fires; the replaced 1 MB arrays are humongous, reclaimed at young
 * collections, so the old generation never reaches G1's marking threshold). Prints the committed
 * and used heap every 10 s. Run from kernel/launcher after
 * {@code mvn -o -pl kernel/launcher test-compile}:
 * {@code $JAVA_HOME/bin/java -XX:+UseG1GC -Xms16m -Xmx4g -XX:G1PeriodicGCInterval=60000 -XX:MinHeapFreeRatio=10
 * -XX:MaxHeapFreeRatio=30 -XX:GCTimeRatio=4 -XX:G1HeapRegionSize=2m -XX:+ExplicitGCInvokesConcurrent
 * -cp target/classes:target/test-classes io.promethium.launcher.G1HeapGiveBackBench SECONDS GIVEBACK_SECONDS}
 * (GIVEBACK_SECONDS 0: off). The last line sums it up; the test runs it small.
 */
public final class G1HeapGiveBackBench {
    private static volatile Object sink;

    private G1HeapGiveBackBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.parseInt(args[0]);
        long giveBackMillis = Long.parseLong(args[1]) * 1000;
        int burstMb = args.length > 2 ? Integer.parseInt(args[2]) : 600;
        var giveBack = G1HeapGiveBack.start(giveBackMillis, 16L << 20);
        List<byte[]> burst = new ArrayList<>();
        for (int i = 0; i < burstMb; i++) {
            burst.add(new byte[1 << 20]);
        }
        List<byte[]> live = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            live.add(new byte[1 << 20]);
        }
        burst = null;
        var memory = ManagementFactory.getMemoryMXBean();
        long start = System.nanoTime();
        long nextPrint = 0;
        long peak = 0;
        long lastHalfMax = 0;
        Random random = new Random(1);
        while (System.nanoTime() - start < seconds * 1_000_000_000L) {
            for (int i = 0; i < 2000; i++) {
                sink = new byte[1024];
            }
            if (random.nextInt(50) == 0) {
                live.set(random.nextInt(live.size()), new byte[1 << 20]);
            }
            Thread.sleep(10);
            long elapsed = (System.nanoTime() - start) / 1_000_000_000L;
            MemoryUsage heap = memory.getHeapMemoryUsage();
            peak = Math.max(peak, heap.getCommitted());
            if (elapsed >= seconds / 2) {
                lastHalfMax = Math.max(lastHalfMax, heap.getCommitted());
            }
            if (elapsed >= nextPrint) {
                System.out.printf(Locale.ROOT, "t=%4ds committed %5d MB used %5d MB%n", elapsed, heap.getCommitted() >> 20, heap.getUsed() >> 20);
                nextPrint = elapsed + 10;
            }
        }
        System.out.printf(Locale.ROOT, "giveBack=%s requests=%d peakCommittedMb=%d lastHalfMaxCommittedMb=%d liveMb=%d%n",
                giveBack.isPresent() ? "started" : "none", giveBack.map(G1HeapGiveBack::requests).orElse(0L), peak >> 20,
                lastHalfMax >> 20, live.size());
    }
}
