package io.promethium.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.TargetGroup;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded load harness, not a timed assertion: pods in 100 namespaces in the API mock. Prints
 * how long the initial list and first update take and the heap per pod the discoverer holds
 * (informer store and last-sent groups), and checks that a change to one pod re-sends only that
 * pod's group. The suite runs it with 1,000 pods (filling the mock is what takes time: ~6 ms a
 * pod); the figures come from
 * {@code mvn -pl plugins-discovery/kubernetes -am verify -Dtest=PodLoadTest -Dk8s.load.pods=10000 -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class PodLoadTest {

    @TempDir
    Path dir;

    @Test
    void manyPodsSyncAndAChangeReSendsOnlyItsGroup() throws Exception {
        int pods = Integer.getInteger("k8s.load.pods", 1_000);
        int namespaces = 100;
        try (MockApi api = new MockApi(dir)) {
            long createStart = System.nanoTime();
            Semaphore inFlight = new Semaphore(32);
            try (ExecutorService creators = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < pods; i++) {
                    String ns = "ns-" + (i % namespaces);
                    Pod pod = PodRoleTest.pod(ns, "pod-" + i, "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
                    inFlight.acquire();
                    creators.submit(() -> {
                        try {
                            api.client.pods().inNamespace(ns).resource(pod).create();
                        } finally {
                            inFlight.release();
                        }
                    });
                }
            }
            double createSeconds = (System.nanoTime() - createStart) / 1e9;

            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long before = usedAfterGc(memory);
            LinkedBlockingQueue<List<TargetGroup>> updates = new LinkedBlockingQueue<>();
            Discoverer discoverer = api.factory.create(api.block("pod"), api.context("load"));
            long start = System.nanoTime();
            discoverer.start(updates::add);
            List<TargetGroup> initial = updates.poll(120, TimeUnit.SECONDS);
            double syncSeconds = (System.nanoTime() - start) / 1e9;
            assertThat(initial).as("the initial update").isNotNull().hasSize(pods);
            int targets = initial.stream().mapToInt(g -> g.targets().size()).sum();
            initial = null;
            long after = usedAfterGc(memory);

            MockApi.awaitWatching(discoverer);
            Pod changed = PodRoleTest.pod("ns-7", "pod-7", "10.0.0.7");
            changed.getMetadata().getLabels().put("track", "canary");
            long changeStart = System.nanoTime();
            api.client.pods().inNamespace("ns-7").resource(changed).update();
            List<TargetGroup> change = updates.poll(30, TimeUnit.SECONDS);
            double changeMillis = (System.nanoTime() - changeStart) / 1e6;
            assertThat(change).as("the update after changing one pod").isNotNull();
            assertThat(change).extracting(TargetGroup::source).containsExactly("pod/ns-7/pod-7");
            assertThat(updates.poll(1, TimeUnit.SECONDS)).as("nothing else re-sent").isNull();
            discoverer.close();

            System.out.printf("kubernetes pod discovery load: %d pods in %d namespaces (%d targets); created in the mock in %.1f s;"
                    + " initial list+first update %.2f s; heap %.1f KiB per pod (%.1f MiB total); one pod changed -> 1 group re-sent"
                    + " in %.0f ms%n", pods, namespaces, targets, createSeconds, syncSeconds, (after - before) / 1024.0 / pods,
                    (after - before) / 1048576.0, changeMillis);
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
