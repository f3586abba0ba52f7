package io.promethium.web.spi;

import com.fasterxml.jackson.core.JsonGenerator;
import io.promethium.web.internal.api.ApiResponses;
import io.promethium.web.internal.api.BodyDrain;
import io.promethium.web.internal.api.FormValues;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Prometheus's JSON and form-body rules as the built-in API applies them. */
public final class ApiSupport {

    /** A form-encoded body above this size is refused (Go's {@code ParseForm} limit). */
    public static final long MAX_FORM_BYTES = FormValues.MAX_FORM_BYTES;

    /** How much of a refused body is read (and dropped) past a limit before answering. */
    public static final long DRAIN_BOUND = BodyDrain.BOUND;

    private ApiSupport() {
    }

    /** A UTF-8 JSON generator writing strings as Prometheus does; closing it closes {@code out}. */
    public static JsonGenerator generator(OutputStream out) throws IOException {
        return ApiResponses.generator(out);
    }

    /** Whether a content type is {@code application/x-www-form-urlencoded}. */
    public static boolean isForm(String contentType) {
        return FormValues.isForm(contentType);
    }

    /** The {@code bad_data} message of a form body over {@link #MAX_FORM_BYTES}. */
    public static String formTooLargeMessage() {
        return FormValues.tooLarge().getMessage();
    }

    /** Reads and drops up to {@code max} bytes of a refused body, so the client sees the answer. */
    public static void drain(InputStream in, long max) {
        BodyDrain.drain(in, max);
    }
}
