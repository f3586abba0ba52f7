package io.promethium.scrape.internal;

/** Why one scrape failed; the message is what the targets API shows. The loop carries on. */
final class ScrapeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of failure, for the self metrics. */
    enum Kind { HTTP, TIMEOUT, BODY_SIZE, PARSE, SAMPLE_LIMIT, LABEL_LIMIT, STORAGE, TARGET_LIMIT, INVALID_NAME }

    private final Kind kind;

    ScrapeException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
