package io.promethium.scrape.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
            assertThat(workers.at(System.currentTimeMillis() + 200, () -> cancelled.complete(true)).cancel()).isTrue();
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

    @Test
    void theWorkerThatRanASlotWaitsForTheNextItselfWhenItIsFarEnough() throws Exception {
        ScrapeWorkers workers = new ScrapeWorkers("job");
        try {
            CompletableFuture<Thread> first = new CompletableFuture<>();
            CompletableFuture<Thread> second = new CompletableFuture<>();
            long start = System.currentTimeMillis();
            workers.at(start + 50, () -> first.complete(Thread.currentThread()));
            workers.at(start + 50 + 100 * ScrapeWorkers.NEAR_NANOS / 1_000_000, () -> second.complete(Thread.currentThread()));
            assertThat(second.get(5, TimeUnit.SECONDS)).isSameAs(first.get(5, TimeUnit.SECONDS));
        } finally {
            workers.shutdown();
        }
    }

    @Test
    void aSlotStartsOnTimeWhileAnEarlierScrapeWaitsForItsTarget() throws Exception {
        ScrapeWorkers workers = new ScrapeWorkers("job");
        CountDownLatch answer = new CountDownLatch(1);
        try {
            long start = System.currentTimeMillis();
            CompletableFuture<Long> slow = new CompletableFuture<>();
            workers.at(start + 50, () -> {
                // As the fetchers do before a wait longer than their watch.
                assertThat(ScrapeWorkers.watchNanos()).isLessThan(TimeUnit.SECONDS.toNanos(1));
                ScrapeWorkers.handOff();
                assertThat(ScrapeWorkers.watchNanos()).isEqualTo(Long.MAX_VALUE);
                slow.complete(System.currentTimeMillis());
                await(answer);
            });
            CompletableFuture<Long> next = new CompletableFuture<>();
            long due = start + 50 + 100 * ScrapeWorkers.NEAR_NANOS / 1_000_000;
            workers.at(due, () -> next.complete(System.currentTimeMillis()));
            assertThat(next.get(5, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(due);
            assertThat(slow).isDone();
            assertThat(answer.getCount()).isEqualTo(1);
        } finally {
            answer.countDown();
            workers.shutdown();
        }
    }

    @Test
    void aNearSlotGetsAWorkerOfItsOwnWhileAScrapeRuns() throws Exception {
        ScrapeWorkers workers = new ScrapeWorkers("job");
        CountDownLatch busy = new CountDownLatch(1);
        try {
            long start = System.currentTimeMillis();
            // A scrape busy without waiting in a fetcher: no hand-off of its own.
            workers.at(start + 50, () -> await(busy));
            CompletableFuture<Long> near = new CompletableFuture<>();
            workers.at(start + 51, () -> near.complete(System.currentTimeMillis()));
            assertThat(near.get(5, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(start + 51);
            assertThat(busy.getCount()).isEqualTo(1);
        } finally {
            busy.countDown();
            workers.shutdown();
        }
    }

    @Test
    void outsideAWorkerNothingIsWatched() {
        assertThat(ScrapeWorkers.watchNanos()).isEqualTo(Long.MAX_VALUE);
        ScrapeWorkers.handOff();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
