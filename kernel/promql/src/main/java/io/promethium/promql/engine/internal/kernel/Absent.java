package io.promethium.promql.engine.internal.kernel;

/**
 * The "no sample here" marker of step-vectorised evaluation: a NaN with a payload of its own,
 * so one {@code double[]} per series holds both values and gaps without a boxed object or a
 * second mask array. Arithmetic never reads an absent slot (callers test it first), so the
 * payload cannot leak into results; it is compared by bits, never by value.
 */
public final class Absent {
    public static final long BITS = 0x7ff00000000ab5e1L;
    public static final double VALUE = Double.longBitsToDouble(BITS);

    private Absent() {
    }

    public static boolean is(double v) {
        return Double.doubleToRawLongBits(v) == BITS;
    }
}
