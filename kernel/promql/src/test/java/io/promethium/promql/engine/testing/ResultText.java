package io.promethium.promql.engine.testing;

import io.promethium.api.model.StaleMarker;
import io.promethium.promql.engine.InstantVector;
import io.promethium.promql.engine.QueryResult;
import io.promethium.promql.engine.RangeMatrix;
import io.promethium.promql.engine.Value;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A query's result as text for comparing two evaluations exactly: a line per series, values by
 * their bits (zeros of both signs differ), histograms as text, then the annotations. A NaN is
 * "NaN" whatever its sign and payload, which Java leaves to the CPU and the JIT (x86 makes
 * {@code inf - inf} negative, and the same evaluation may differ once compiled) and no output
 * shows; a staleness marker stays apart, as it must never reach a result.
 */
public final class ResultText {

    private ResultText() {
    }

    /** With {@code sorted}, the series' lines in label order; else in the order the result gives them. */
    public static String of(QueryResult result, boolean sorted) {
        Value v = result.value();
        Stream<String> lines;
        if (v instanceof InstantVector iv) {
            lines = iv.samples().stream().map(s -> s.labels() + " " + s.t() + " "
                    + (s.h() != null ? s.h().toString() : bits(s.v())));
        } else if (v instanceof RangeMatrix m) {
            lines = m.series().stream().map(s -> {
                StringBuilder b = new StringBuilder(s.labels().toString());
                for (int i = 0; i < s.length(); i++) {
                    b.append(' ').append(s.timestamps()[i]).append('=')
                            .append(s.histogram(i) != null ? s.histogram(i).toString() : bits(s.values()[i]));
                }
                return b.toString();
            });
        } else {
            lines = Stream.of(String.valueOf(v));
        }
        if (sorted) {
            lines = lines.sorted(Comparator.naturalOrder());
        }
        return String.join("\n", lines.toList()) + "\nwarnings " + result.warnings() + " infos " + result.infos();
    }

    private static String bits(double v) {
        if (StaleMarker.isStale(v)) {
            return "stale";
        }
        return Double.isNaN(v) ? "NaN" : Long.toHexString(Double.doubleToRawLongBits(v));
    }
}
