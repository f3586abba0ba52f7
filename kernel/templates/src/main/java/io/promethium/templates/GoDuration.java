package io.promethium.templates;

import java.time.Duration;
import java.util.Objects;

/** A Go {@code time.Duration} in templates; prints as Go does ({@code 1h2m3.5s}). */
public record GoDuration(Duration duration) {

    public GoDuration {
        Objects.requireNonNull(duration, "duration is null");
    }

    @Override
    public String toString() {
        long nanos = duration.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (nanos < 0) {
            sb.append('-');
            nanos = -nanos;
        }
        if (nanos < 1_000_000_000L) {
            if (nanos < 1_000) {
                return sb.append(nanos).append("ns").toString();
            }
            if (nanos < 1_000_000) {
                return sb.append(trim(nanos / 1e3)).append("µs").toString();
            }
            return sb.append(trim(nanos / 1e6)).append("ms").toString();
        }
        long hours = nanos / 3_600_000_000_000L;
        long minutes = nanos / 60_000_000_000L % 60;
        double seconds = (nanos % 60_000_000_000L) / 1e9;
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        return sb.append(trim(seconds)).append('s').toString();
    }

    private static String trim(double v) {
        String s = new java.math.BigDecimal(v).setScale(9, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        return s;
    }
}
