package io.promethium.templates;

/** A template that does not parse or fails while executing; the message reads like Go's. */
public final class TemplateException extends Exception {
    private static final long serialVersionUID = 1L;

    public TemplateException(String message) {
        super(message);
    }
}
