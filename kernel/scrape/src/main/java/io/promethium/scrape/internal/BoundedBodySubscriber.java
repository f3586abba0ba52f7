package io.promethium.scrape.internal;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body into the loop's {@link PageBuffer}, giving up (and cancelling the
 * exchange) as soon as it passes the size bound: an endless or huge body costs at most the bound.
 */
final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<Integer> {

    /** The body passed the bound; the message names it. */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message, null, false, false);
        }
    }

    private final PageBuffer into;
    private final long limit;
    private final CompletableFuture<Integer> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBodySubscriber(PageBuffer into, long limit) {
        this.into = into;
        this.limit = limit;
        into.clear();
    }

    @Override
    public CompletionStage<Integer> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            if (into.length() + (long) buffer.remaining() > limit) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge("body size limit exceeded (limit: " + limit + " bytes)"));
                return;
            }
            into.append(buffer);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(into.length());
    }
}
