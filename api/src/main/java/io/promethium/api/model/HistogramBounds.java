package io.promethium.api.model;

/**
 * Bucket boundaries of native histograms, as Prometheus computes them. For an exponential schema
 * {@code s}, bucket {@code i} holds observations in {@code (base^(i-1), base^i]} with
 * {@code base = 2^(2^-s)}; with custom buckets (schema -53), bucket {@code i} ends at the i-th
 * custom value and the last one (index = number of values) at +Inf.
 */
public final class HistogramBounds {

    /**
     * Fractions in [0.5, 1): 2^(j / 2^schema) / 2 for schema 0..8, Prometheus's table of them
     * (read from {@code exponential-bounds.txt}). Its entries are not all the nearest doubles, so
     * computing them would put bounds an ulp away from the ones Prometheus prints and interpolates.
     */
    private static final double[][] FRACTIONS = readFractions();

    private static double[][] readFractions() {
        double[][] out = new double[Histogram.MAX_SCHEMA + 1][];
        try (java.io.InputStream in = HistogramBounds.class.getResourceAsStream("exponential-bounds.txt")) {
            if (in == null) {
                throw new IllegalStateException("exponential-bounds.txt is missing from the api bundle");
            }
            int schema = 0;
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] words = line.strip().split(" ");
                double[] f = new double[words.length];
                for (int j = 0; j < f.length; j++) {
                    f[j] = Double.parseDouble(words[j]);
                }
                if (f.length != 1 << schema) {
                    throw new IllegalStateException("exponential-bounds.txt: schema " + schema + " has " + f.length + " fractions");
                }
                out[schema++] = f;
            }
            if (schema != out.length) {
                throw new IllegalStateException("exponential-bounds.txt has " + schema + " schemas");
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    private HistogramBounds() {
    }

    /** The upper bound of bucket {@code index} (its lower bound is the upper bound of {@code index - 1}). */
    public static double upper(int schema, int index, double[] customValues) {
        if (schema == Histogram.CUSTOM_BUCKETS_SCHEMA) {
            if (index == customValues.length) {
                return Double.POSITIVE_INFINITY;
            }
            if (index == -1) {
                return Double.NEGATIVE_INFINITY;
            }
            return customValues[index];
        }
        return exponential(schema, index);
    }

    /** The lower bound of bucket {@code index}. */
    public static double lower(int schema, int index, double[] customValues) {
        return upper(schema, index - 1, customValues);
    }

    /** The upper bound of bucket {@code index} of an exponential schema (-4..8). */
    public static double exponential(int schema, int index) {
        if (schema < 0) {
            long exp = (long) index << -schema;
            if (exp == 1024) {
                return Double.MAX_VALUE; // the last finite bucket, before the one counting +Inf
            }
            return Math.scalb(1.0, (int) Math.max(Math.min(exp, 2000), -2000));
        }
        double frac = FRACTIONS[schema][index & ((1 << schema) - 1)];
        int exp = (index >> schema) + 1;
        if (frac == 0.5 && exp == 1025) {
            return Double.MAX_VALUE;
        }
        return Math.scalb(frac, exp);
    }

    /** The index of the exponential bucket of {@code schema} that counts {@code value} (> 0). */
    public static int index(int schema, double value) {
        int exp = Math.getExponent(value) + 1; // value = frac * 2^exp, frac in [0.5, 1)
        double frac = value / Math.scalb(1.0, exp - 1) / 2;
        if (Math.getExponent(value) < Double.MIN_EXPONENT) { // subnormal
            exp = Double.MIN_EXPONENT + 1;
            frac = value / Math.scalb(1.0, exp);
            while (frac < 0.5) {
                frac *= 2;
                exp--;
            }
        }
        if (schema > 0) {
            double[] f = FRACTIONS[schema];
            int lo = 0;
            int hi = f.length;
            while (lo < hi) { // first j with f[j] >= frac
                int mid = (lo + hi) >>> 1;
                if (f[mid] < frac) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return (exp << schema) + lo - f.length;
        }
        int index = exp;
        if (frac == 0.5) {
            index--;
        }
        int offset = (1 << -schema) - 1;
        return (index + offset) >> -schema;
    }
}
