package io.promethium.web.internal.server;

import io.promethium.web.internal.api.ApiError;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The current instance of a service that may come and go (a dynamic, greedy DS reference).
 * Resources read it per request; while it is missing they answer {@code unavailable}.
 */
public final class ServiceSlot<T> implements Supplier<T> {

    private final String what;
    private final AtomicReference<T> current = new AtomicReference<>();

    public ServiceSlot(String what) {
        this.what = Objects.requireNonNull(what, "what is null");
    }

    public void bind(T service) {
        current.set(service);
    }

    /** Clears the slot only if {@code service} is still the one in it (a replacement may already be bound). */
    public void unbind(T service) {
        current.compareAndSet(service, null);
    }

    /** The service, or {@code null}. */
    public T orNull() {
        return current.get();
    }

    /** The service, or an {@code unavailable} API error naming what is missing. */
    @Override
    public T get() {
        T service = current.get();
        if (service == null) {
            throw new ApiError(ApiError.Type.UNAVAILABLE, what + " is not available");
        }
        return service;
    }
}
