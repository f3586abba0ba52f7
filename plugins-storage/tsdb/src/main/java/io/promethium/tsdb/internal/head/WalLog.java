package io.promethium.tsdb.internal.head;

import java.io.IOException;

/** Where the head writes its records before applying a commit. */
public interface WalLog {

    /** Appends encoded records and makes them durable per the WAL's sync policy. */
    void log(byte[] records, int length) throws IOException;

    /** A log that writes nothing (WAL disabled, backfill). */
    WalLog NONE = (records, length) -> {
    };
}
