package io.promethium.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The virtual threads from the JDK's thread containers (this module's tests run with the export). */
class VirtualThreadHandlesTest {

    /**
     * What a JSON thread dump crashed the JVM on (JDK-8364343, seen in a plugin swap): virtual
     * threads parking and waking all the while the list is taken.
     */
    @Test
    void listsParkedVirtualThreadsWithTheirStacksWhileOthersMountAndUnmount() throws Exception {
        VirtualThreadHandles handles = VirtualThreadHandles.find().orElseThrow();
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> parked = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            parked.add(Thread.ofVirtual().name("parked-" + i).start(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    // ends
                }
            }));
        }
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> busy = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            busy.add(Thread.ofVirtual().name("busy-" + i).start(() -> {
                while (!stop.get()) {
                    LockSupport.parkNanos(10_000);
                    Thread.yield();
                }
            }));
        }
        try {
            for (Thread t : parked) {
                while (t.getState() != Thread.State.WAITING) {
                    Thread.sleep(1);
                }
            }
            for (int round = 0; round < 20; round++) {
                List<ThreadDump.Dumped> live = handles.live();
                assertThat(live).allMatch(ThreadDump.Dumped::virtual);
                for (Thread t : parked) {
                    assertThat(live).filteredOn(d -> d.tid() == t.threadId()).singleElement().satisfies(d -> {
                        assertThat(d.name()).isEqualTo(t.getName());
                        assertThat(d.stack()).anySatisfy(f -> assertThat(f).startsWith("io.promethium.launcher.VirtualThreadHandlesTest.lambda$"));
                        assertThat(d.stack()).anySatisfy(f -> assertThat(f).startsWith("java.base/java.util.concurrent.CountDownLatch.await("));
                    });
                }
            }
            Thread parked0 = parked.getFirst();
            assertThat(handles.apply(Set.of(parked0.threadId(), -1L))).containsOnlyKeys(parked0.threadId()).containsValue(parked0);
        } finally {
            stop.set(true);
            release.countDown();
            for (Thread t : parked) {
                t.join(5_000);
            }
            for (Thread t : busy) {
                t.join(5_000);
            }
        }
        List<Long> ended = parked.stream().map(Thread::threadId).toList();
        assertThat(handles.live()).as("ended threads are not listed").noneMatch(d -> ended.contains(d.tid()));
    }
}
