package io.promethium.api.storage;

import org.osgi.annotation.versioning.ConsumerType;

/** Hands out appenders. Thread-safe. */
@ConsumerType
public interface Appendable {

    /** A new batch. The caller owns it and must end it with {@link Appender#commit()} or {@link Appender#rollback()}. */
    Appender appender();
}
