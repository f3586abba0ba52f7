package io.promethium.alertmanager.eventrecorder;

import io.promethium.alertmanager.config.EventRecorderConfig;
import io.promethium.api.http.ConfiguredHttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * POSTs events to a URL as 0.34's {@code webhook_outputs}: a bounded local queue (1024; a full
 * queue drops the event and counts it in {@code alertmanager_event_output_drops_total}),
 * {@code workers} senders, {@code max_retries} attempts with exponential backoff from
 * {@code retry_backoff} (at most 30s). With {@code batch: true} the events go as JSON arrays of
 * at most {@code batch_max_events} events and about {@code batch_max_bytes}, an incomplete batch
 * sent after {@code batch_flush_interval}. Closing sends what is queued, giving up retries after 30s.
 */
final class WebhookOutput implements Destination {

    private static final Logger LOG = Logger.getLogger(WebhookOutput.class.getName());
    static final int QUEUE_SIZE = 1024;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(30);
    private static final long POLL_MILLIS = 50;

    private final EventRecorderConfig.WebhookOutput config;
    private final ConfiguredHttpClient client;
    private final URI uri;
    private final String name;
    private final LongAdder drops;
    private final BlockingQueue<byte[]> work = new ArrayBlockingQueue<>(QUEUE_SIZE);
    private final BlockingQueue<byte[]> batches;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closing;
    private volatile boolean cancelled;
    private volatile boolean batchLoopDone;

    WebhookOutput(EventRecorderConfig.WebhookOutput config, ConfiguredHttpClient client, LongAdder drops) {
        this.config = config;
        this.client = client;
        this.uri = URI.create(config.url());
        this.name = "webhook:" + EventRecorderConfig.sanitized(config.url());
        this.drops = drops;
        if (config.batch()) {
            batches = new ArrayBlockingQueue<>(config.workers());
            threads.add(Thread.ofVirtual().name("alertmanager-eventrecorder-batch").start(this::batchLoop));
        } else {
            batches = null;
        }
        for (int i = 0; i < config.workers(); i++) {
            threads.add(Thread.ofVirtual().name("alertmanager-eventrecorder-webhook").start(this::worker));
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int send(byte[] json) {
        if (!work.offer(json)) {
            drops.increment();
            LOG.warning("Event recorder HTTP output queue full, dropping event: " + name);
        }
        return json.length;
    }

    private void worker() {
        BlockingQueue<byte[]> from = batches == null ? work : batches;
        try {
            while (true) {
                byte[] data = from.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (data != null) {
                    postWithRetry(data);
                } else if (batches == null ? closing : batchLoopDone) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // cancelled at close
        }
    }

    /** Collects events into JSON arrays: the size counts brackets and commas, as 0.34's. */
    private void batchLoop() {
        List<byte[]> batch = new ArrayList<>();
        int[] size = {2};
        long deadline = 0;
        try {
            while (true) {
                // Waits at most POLL_MILLIS so that closing is seen promptly.
                long poll = TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
                long wait = batch.isEmpty() ? poll : Math.min(poll, Math.max(0, deadline - System.nanoTime()));
                byte[] data = work.poll(wait, TimeUnit.NANOSECONDS);
                if (data == null) {
                    if (!batch.isEmpty() && System.nanoTime() - deadline >= 0) {
                        flush(batch, size);
                    }
                    if (closing && work.isEmpty()) {
                        flush(batch, size);
                        return;
                    }
                    continue;
                }
                int additional = data.length + (batch.isEmpty() ? 0 : 1);
                if (!batch.isEmpty() && (batch.size() >= config.batchMaxEvents() || size[0] + additional > config.batchMaxBytes())) {
                    flush(batch, size);
                    additional = data.length;
                }
                batch.add(data);
                size[0] += additional;
                if (batch.size() == 1) {
                    deadline = System.nanoTime() + config.batchFlushInterval().toNanos();
                }
                if (batch.size() >= config.batchMaxEvents() || size[0] >= config.batchMaxBytes()) {
                    flush(batch, size);
                }
            }
        } catch (InterruptedException e) {
            // cancelled at close
        } finally {
            batchLoopDone = true;
        }
    }

    private void flush(List<byte[]> batch, int[] size) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        byte[] out = new byte[size[0]];
        int at = 0;
        out[at++] = '[';
        for (int i = 0; i < batch.size(); i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            byte[] e = batch.get(i);
            System.arraycopy(e, 0, out, at, e.length);
            at += e.length;
        }
        out[at] = ']';
        batch.clear();
        size[0] = 2;
        batches.put(out);
    }

    private void postWithRetry(byte[] data) throws InterruptedException {
        for (int attempt = 0; attempt < config.maxRetries(); attempt++) {
            String error = post(data);
            if (error == null) {
                return;
            }
            LOG.warning("Event recorder HTTP output POST failed: " + name + " attempt " + (attempt + 1) + ": " + error);
            if (attempt < config.maxRetries() - 1) {
                if (cancelled) {
                    LOG.warning("Event recorder webhook shutdown during retry backoff, dropping event: " + name);
                    return;
                }
                Duration backoff = config.retryBackoff().multipliedBy(1L << Math.min(attempt, 20));
                Thread.sleep((backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff).toMillis());
            }
        }
        LOG.severe("Event recorder HTTP output POST failed after retries, dropping event: " + name + " (" + config.maxRetries() + " attempts)");
    }

    /** One POST; the error, or null on a 2xx answer. */
    private String post(byte[] data) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(config.timeout()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(data)).build();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                return "event recorder webhook returned HTTP " + response.statusCode();
            }
            return null;
        } catch (IOException e) {
            return "event recorder webhook POST failed: " + e.getMessage();
        }
    }

    @Override
    public void close() {
        closing = true;
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        try {
            for (Thread t : threads) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0 || !t.join(Duration.ofMillis(left))) {
                    break;
                }
            }
            if (threads.stream().anyMatch(Thread::isAlive)) {
                cancelled = true;
                threads.forEach(Thread::interrupt);
                for (Thread t : threads) {
                    t.join(Duration.ofSeconds(5));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.log(Level.FINE, "interrupted closing " + name);
        } finally {
            client.close();
        }
    }
}
