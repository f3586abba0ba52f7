package io.promethium.promql.engine.internal.eval;

import io.promethium.goformat.GoStrings;
import io.promethium.goformat.GoFloat;

/** Number and string formatting the way Prometheus's Go code prints them in labels and messages. */
final class GoFormat {

    private GoFormat() {
    }

    /** Go's {@code %g} and {@code %v}: {@code 1}, {@code 1.5}, {@code 1e+06}, {@code 1e-05}, {@code NaN}, {@code +Inf}. */
    static String number(double v) {
        return GoFloat.formatG(v);
    }

    /** strconv.FormatFloat(v, 'f', -1, 64): never an exponent. */
    static String plain(double v) {
        return GoFloat.formatF(v);
    }

    /**
     * Go's {@code %q}: quotes, backslashes and control characters escaped; a byte that is not
     * valid UTF-8 (the parser keeps it as a lone surrogate U+DC80..U+DCFF) printed as {@code \xHH}.
     */
    static String quote(String s) {
        return GoStrings.quote(s);
    }
}
