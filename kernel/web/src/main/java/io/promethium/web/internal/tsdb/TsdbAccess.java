package io.promethium.web.internal.tsdb;

import io.promethium.api.storage.Storage;
import io.promethium.tsdb.Tsdb;
import io.promethium.web.internal.api.ApiError;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The {@link Tsdb} behind the storage service, for the admin and status endpoints. The tsdb
 * bundle registers an internal wrapper whose public {@code tsdb()} method returns the database;
 * until the storage SPI has an admin interface, that method is looked up by name.
 */
public final class TsdbAccess {

    private final Supplier<Storage> storage;

    public TsdbAccess(Supplier<Storage> storage) {
        this.storage = Objects.requireNonNull(storage, "storage is null");
    }

    public Tsdb get() {
        Storage s = storage.get();
        if (s instanceof Tsdb tsdb) {
            return tsdb;
        }
        try {
            Method m = s.getClass().getMethod("tsdb");
            if (Tsdb.class.isAssignableFrom(m.getReturnType())) {
                Object db = m.invoke(s);
                if (db instanceof Tsdb tsdb) {
                    return tsdb;
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not a TSDB-backed storage: fall through
        }
        throw new ApiError(ApiError.Type.UNAVAILABLE, "the storage is not a TSDB; this endpoint needs one");
    }
}
