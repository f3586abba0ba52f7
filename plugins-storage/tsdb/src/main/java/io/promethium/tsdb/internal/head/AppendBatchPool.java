package io.promethium.tsdb.internal.head;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small lock-free pool of {@link AppendBatch}es. Taking and returning are a few CAS on slots,
 * without allocating; a full pool drops the batch, and oversized batches (a huge remote-write
 * request) are not kept, so the pool's memory stays bounded.
 */
final class AppendBatchPool {
    private static final int SLOTS = 32;
    /** Batches grown past this many samples or record bytes are left to the GC. */
    static final int MAX_SAMPLES = 1 << 16;
    static final int MAX_ENCODER_BYTES = 4 << 20;

    private final AtomicReferenceArray<AppendBatch> slots = new AtomicReferenceArray<>(SLOTS);

    AppendBatch take() {
        for (int i = 0; i < SLOTS; i++) {
            if (slots.getPlain(i) != null) {
                AppendBatch b = slots.getAndSet(i, null);
                if (b != null) {
                    return b;
                }
            }
        }
        return new AppendBatch();
    }

    void give(AppendBatch batch) {
        batch.clear();
        if (batch.capacity() > MAX_SAMPLES || batch.encoderCapacity() > MAX_ENCODER_BYTES) {
            return;
        }
        for (int i = 0; i < SLOTS; i++) {
            if (slots.getPlain(i) == null && slots.compareAndSet(i, null, batch)) {
                return;
            }
        }
    }

    /**
     * The heap of the pooled batches: 32 slots at most, read without taking them (a batch taken
     * meanwhile is its committer's; the figure is an estimate either way).
     */
    long ramBytesUsed() {
        long bytes = 0;
        for (int i = 0; i < SLOTS; i++) {
            AppendBatch b = slots.get(i);
            if (b != null) {
                bytes += b.ramBytesUsed();
            }
        }
        return bytes;
    }

    /** Batches currently pooled (tests). */
    int pooled() {
        int n = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (slots.get(i) != null) {
                n++;
            }
        }
        return n;
    }
}
