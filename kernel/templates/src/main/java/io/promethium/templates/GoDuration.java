package io.promethium.templates;

import io.promethium.goformat.GoDurations;
import java.time.Duration;
import java.util.Objects;

/** A Go {@code time.Duration} in templates; prints as Go does ({@code 1h2m3.5s}). */
public record GoDuration(Duration duration) {

    public GoDuration {
        Objects.requireNonNull(duration, "duration is null");
    }

    @Override
    public String toString() {
        return GoDurations.format(duration);
    }
}
