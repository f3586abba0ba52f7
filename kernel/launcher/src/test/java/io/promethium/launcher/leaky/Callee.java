package io.promethium.launcher.leaky;

import java.util.concurrent.CountDownLatch;

/** Code of the test bundle that a thread started elsewhere (a kernel thread in a plugin call) runs in. */
public final class Callee {
    private Callee() {
    }

    /** Waits for the latch; an interrupt ends the wait with an {@link InterruptedException}. */
    public static void block(CountDownLatch latch) throws InterruptedException {
        latch.await();
    }
}
