package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ScrapeWorkersTest {

    @Test
    void aSlotRunsItsTaskOnAPlatformWorkerAtItsTimeAndACancelledOneNever() throws Exception {
        ScrapeWorkers workers = new ScrapeWorkers("job");
        try {
            CompletableFuture<Thread> ran = new CompletableFuture<>();
            long start = System.currentTimeMillis();
            workers.at(start + 100, () -> ran.complete(Thread.currentThread()));
            Thread worker = ran.get(5, TimeUnit.SECONDS);
            assertThat(System.currentTimeMillis() - start).isGreaterThanOrEqualTo(99);
            assertThat(worker.isVirtual()).isFalse();
            assertThat(worker.getName()).startsWith("scrape-job-");

            CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
            assertThat(workers.at(System.currentTimeMillis() + 200, () -> cancelled.complete(true)).cancel(false)).isTrue();
            CompletableFuture<Boolean> later = new CompletableFuture<>();
            workers.at(System.currentTimeMillis() + 300, () -> later.complete(true));
            assertThat(later.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(cancelled).isNotDone();
        } finally {
            workers.shutdown();
        }
    }

    @Test
    void afterShutdownATaskRunsOnTheCallersThread() {
        ScrapeWorkers workers = new ScrapeWorkers("job");
        workers.shutdown();
        Thread[] ran = new Thread[1];
        workers.at(System.currentTimeMillis() + 60_000, () -> ran[0] = Thread.currentThread());
        assertThat(ran[0]).isSameAs(Thread.currentThread());
    }
}
