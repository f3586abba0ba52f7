package io.promethium.alertmanager.eventrecorder;

import java.io.IOException;

/** Where recorded events go. Called from the recorder's one writer thread; must not block for long (queue what takes time). */
interface Destination extends AutoCloseable {

    /** A stable name for metrics labels and logs ({@code file:/var/log/events.jsonl}, {@code webhook:https://host/path}, {@code stdout}). */
    String name();

    /**
     * Delivers (or queues) one event, its JSON without a line end.
     *
     * @return the bytes written or queued
     */
    int send(byte[] json) throws IOException;

    @Override
    void close();
}
