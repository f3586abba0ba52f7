package io.promethium.scrape.internal;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.exposition.ExpositionException;
import io.promethium.exposition.ExpositionParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * {@code convert_classic_histograms_to_nhcb}, as Prometheus 3's NHCB parser: wraps a page's parser
 * and turns each classic histogram (the {@code _bucket}/{@code _count}/{@code _sum} series of a
 * family typed {@code histogram}, one label set at a time) into one native histogram with custom
 * buckets (schema -53) named after the family, with the buckets' exemplars. The classic series
 * are passed on too only when {@code always_scrape_classic_histograms} is on. Gauge histograms,
 * families the page also exposes as native histograms (protobuf) and series outside histogram
 * families pass through untouched.
 *
 * <p>A histogram's series must come together (they do in every format); the histogram is
 * emitted when the next entry does not belong to it, and that entry is handed out after it (the
 * wrapped parser still describes it, so nothing is copied). Only series of histogram families
 * cost anything (their name and labels are read as strings); the rest are delegated as they are.
 * One instance per scrape loop, {@link #wrap reset} for each page; its histogram objects are
 * reused (the storage copies what it keeps).
 */
final class NhcbParser implements ExpositionParser {
    private ExpositionParser in;
    private boolean keepClassic;

    /** The family of the current {@code # TYPE histogram}, or null. */
    private String histogramFamily;
    /** The family the page last gave as a native histogram: its classic series stay classic. */
    private String nativeFamily;

    /** An entry of {@link #in} read but not handed out yet (it ended a histogram), or null. */
    private Entry replay;
    /** Whether the current entry is a converted histogram (else {@link #in} describes it). */
    private boolean synthetic;
    private boolean eof;

    // The histogram being collected.
    private boolean open;
    private String family;
    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();
    private boolean hasTimestamp;
    private long timestamp;
    private double[] bounds = new double[16];
    private double[] cumulative = new double[16];
    private int nBuckets;
    private double count = Double.NaN;
    private double sum = Double.NaN;
    private final List<Exemplar> exemplars = new ArrayList<>();

    // The histogram handed out, its identity bytes and reused values.
    private final List<String> outNames = new ArrayList<>();
    private final List<String> outValues = new ArrayList<>();
    private String outFamily;
    private boolean outHasTimestamp;
    private long outTimestamp;
    private List<Exemplar> outExemplars = List.of();
    private byte[] identity = new byte[64];
    private int identityLength;
    private boolean outFloat;
    private final Histogram histogram = new Histogram();
    private final FloatHistogram floatHistogram = new FloatHistogram();
    private double[] lastBounds = new double[0];
    private HistogramSpans lastSpans = HistogramSpans.EMPTY;
    private long[] deltas = new long[16];
    private double[] counts = new double[16];

    // Scratch for the labels of the series being looked at.
    private final List<String> seenNames = new ArrayList<>();
    private final List<String> seenValues = new ArrayList<>();
    private String seenLe;

    /** Starts on a new page. */
    NhcbParser wrap(ExpositionParser parser, boolean keepClassicSeries) {
        this.in = parser;
        this.keepClassic = keepClassicSeries;
        histogramFamily = null;
        nativeFamily = null;
        replay = null;
        synthetic = false;
        eof = false;
        open = false;
        return this;
    }

    @Override
    public Entry next() throws ExpositionException {
        synthetic = false;
        if (replay != null) {
            Entry e = replay;
            replay = null;
            return e;
        }
        if (eof) {
            return Entry.EOF;
        }
        while (true) {
            Entry e = in.next();
            switch (e) {
                case TYPE -> {
                    histogramFamily = in.type() == MetricType.HISTOGRAM ? in.metricFamilyName() : null;
                }
                case HISTOGRAM -> nativeFamily = in.metricName();
                case SERIES -> {
                    if (histogramFamily != null && !histogramFamily.equals(nativeFamily)) {
                        int member = memberKind(in.metricName());
                        if (member != NOT_MEMBER) {
                            readLabels();
                            if (member == BUCKET && seenLe == null) {
                                member = NOT_MEMBER; // a _bucket without le is not part of a histogram
                            }
                        }
                        if (member != NOT_MEMBER) {
                            if (open && !(family.equals(histogramFamily) && names.equals(seenNames) && values.equals(seenValues))) {
                                emit();
                                startAndAdd(member);
                                if (keepClassic) {
                                    replay = Entry.SERIES;
                                }
                                return Entry.HISTOGRAM;
                            }
                            if (!open) {
                                start();
                            }
                            add(member);
                            if (keepClassic) {
                                return Entry.SERIES;
                            }
                            continue;
                        }
                    }
                }
                case EOF -> {
                    eof = true;
                }
                default -> {
                }
            }
            if (open) {
                emit();
                replay = e;
                return Entry.HISTOGRAM;
            }
            return e;
        }
    }

    private static final int NOT_MEMBER = 0;
    private static final int BUCKET = 1;
    private static final int COUNT = 2;
    private static final int SUM = 3;

    private int memberKind(String name) {
        String f = histogramFamily;
        if (name.length() <= f.length() || !name.startsWith(f)) {
            return NOT_MEMBER;
        }
        return switch (name.substring(f.length())) {
            case "_bucket" -> BUCKET;
            case "_count" -> COUNT;
            case "_sum" -> SUM;
            default -> NOT_MEMBER;
        };
    }

    private final BiConsumer<String, String> labelSink = (name, value) -> {
        if (name.equals("le")) {
            seenLe = value;
        } else {
            seenNames.add(name);
            seenValues.add(value);
        }
    };

    private void readLabels() {
        seenNames.clear();
        seenValues.clear();
        seenLe = null;
        in.rawLabels(labelSink);
    }

    private void startAndAdd(int member) {
        start();
        add(member);
    }

    private void start() {
        open = true;
        family = histogramFamily;
        names.clear();
        names.addAll(seenNames);
        values.clear();
        values.addAll(seenValues);
        hasTimestamp = in.hasTimestamp();
        timestamp = hasTimestamp ? in.timestamp() : 0;
        nBuckets = 0;
        count = Double.NaN;
        sum = Double.NaN;
        exemplars.clear();
    }

    private void add(int member) {
        double v = in.value();
        switch (member) {
            case COUNT -> count = v;
            case SUM -> sum = v;
            default -> {
                double le;
                try {
                    le = Double.parseDouble(seenLe.strip());
                } catch (NumberFormatException e) {
                    return; // not a bucket bound: the storage would refuse the histogram; leave it out
                }
                if (nBuckets == bounds.length) {
                    bounds = Arrays.copyOf(bounds, nBuckets * 2);
                    cumulative = Arrays.copyOf(cumulative, nBuckets * 2);
                }
                bounds[nBuckets] = le;
                cumulative[nBuckets] = v;
                nBuckets++;
                if (in.hasExemplar()) {
                    Exemplar x = in.exemplar();
                    if (x != null) {
                        exemplars.add(x);
                    }
                }
            }
        }
    }

    /**
     * Closes the collected histogram into the output fields: buckets sorted by bound, the finite
     * bounds as custom values, each bucket's count the difference of cumulative counts (the last,
     * +Inf, from the {@code +Inf} bucket, else {@code _count}); the count from {@code _count},
     * else the {@code +Inf} bucket. Integer counts make an integer histogram, others a float one.
     * Decreasing counts make negative buckets, which the storage refuses as an invalid histogram.
     */
    private void emit() {
        open = false;
        synthetic = true;
        outFamily = family;
        outNames.clear();
        outNames.addAll(names);
        outValues.clear();
        outValues.addAll(values);
        outHasTimestamp = hasTimestamp;
        outTimestamp = timestamp;
        outExemplars = exemplars.isEmpty() ? List.of() : List.copyOf(exemplars);
        sortBuckets();
        int finite = nBuckets;
        double inf = Double.NaN;
        if (finite > 0 && bounds[finite - 1] == Double.POSITIVE_INFINITY) {
            finite--;
            inf = cumulative[finite];
        }
        double total = !Double.isNaN(count) ? count : inf;
        double last = !Double.isNaN(inf) ? inf : total;
        double s = Double.isNaN(sum) ? 0 : sum;
        double[] b = boundsOf(finite);
        int n = finite + 1;
        if (counts.length < n) {
            counts = new double[n];
            deltas = new long[n];
        }
        boolean integral = isIntegral(total);
        double prev = 0;
        for (int i = 0; i < n; i++) {
            double c = i < finite ? cumulative[i] : last;
            counts[i] = c - prev;
            prev = c;
            integral &= isIntegral(counts[i]);
        }
        HistogramSpans spans = spansOf(n);
        outFloat = !integral;
        if (outFloat) {
            floatHistogram.set(CounterResetHint.UNKNOWN, Histogram.CUSTOM_BUCKETS_SCHEMA, 0, 0, total, s, spans, counts, n,
                    HistogramSpans.EMPTY, null, 0, b);
        } else {
            long before = 0;
            for (int i = 0; i < n; i++) {
                long c = (long) counts[i];
                deltas[i] = c - before;
                before = c;
            }
            histogram.set(CounterResetHint.UNKNOWN, Histogram.CUSTOM_BUCKETS_SCHEMA, 0, 0, (long) total, s, spans, deltas, n,
                    HistogramSpans.EMPTY, null, 0, b);
        }
        buildIdentity();
    }

    private static boolean isIntegral(double v) {
        return !Double.isNaN(v) && v == Math.rint(v) && Math.abs(v) < 0x1p53;
    }

    private void sortBuckets() {
        for (int i = 1; i < nBuckets; i++) {
            double bound = bounds[i];
            double c = cumulative[i];
            int j = i - 1;
            while (j >= 0 && bounds[j] > bound) {
                bounds[j + 1] = bounds[j];
                cumulative[j + 1] = cumulative[j];
                j--;
            }
            bounds[j + 1] = bound;
            cumulative[j + 1] = c;
        }
    }

    /** The custom values, the previous array when the layout did not change (the usual case, scrape after scrape). */
    private double[] boundsOf(int finite) {
        if (lastBounds.length == finite && Arrays.equals(lastBounds, 0, finite, bounds, 0, finite)) {
            return lastBounds;
        }
        lastBounds = Arrays.copyOf(bounds, finite);
        return lastBounds;
    }

    private HistogramSpans spansOf(int n) {
        if (lastSpans.count() != 1 || lastSpans.length(0) != n || lastSpans.offset(0) != 0) {
            lastSpans = HistogramSpans.pairs(0, n);
        }
        return lastSpans;
    }

    /**
     * The histogram's series identity for the scrape's series cache: a 0x01 byte (no page's series
     * starts with it), the family, then the label pairs, NUL-separated.
     */
    private void buildIdentity() {
        identityLength = 0;
        put((byte) 1);
        put(outFamily);
        for (int i = 0; i < outNames.size(); i++) {
            put((byte) 0);
            put(outNames.get(i));
            put((byte) 0);
            put(outValues.get(i));
        }
    }

    private void put(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (identityLength + b.length > identity.length) {
            identity = Arrays.copyOf(identity, Math.max(identity.length * 2, identityLength + b.length));
        }
        System.arraycopy(b, 0, identity, identityLength, b.length);
        identityLength += b.length;
    }

    private void put(byte b) {
        if (identityLength == identity.length) {
            identity = Arrays.copyOf(identity, identity.length * 2);
        }
        identity[identityLength++] = b;
    }

    // ---- accessors: the converted histogram's when synthetic, else the wrapped parser's ----

    @Override
    public int lineNumber() {
        return in.lineNumber();
    }

    @Override
    public byte[] buffer() {
        return synthetic ? identity : in.buffer();
    }

    @Override
    public int seriesOffset() {
        return synthetic ? 0 : in.seriesOffset();
    }

    @Override
    public int seriesLength() {
        return synthetic ? identityLength : in.seriesLength();
    }

    @Override
    public String metricName() {
        return synthetic ? outFamily : in.metricName();
    }

    @Override
    public void labels(Labels.Builder into) {
        if (!synthetic) {
            in.labels(into);
            return;
        }
        into.set("__name__", outFamily);
        for (int i = 0; i < outNames.size(); i++) {
            into.set(outNames.get(i), outValues.get(i));
        }
    }

    @Override
    public void rawLabels(BiConsumer<String, String> sink) {
        if (!synthetic) {
            in.rawLabels(sink);
            return;
        }
        for (int i = 0; i < outNames.size(); i++) {
            sink.accept(outNames.get(i), outValues.get(i));
        }
    }

    @Override
    public void ingestCreatedTimestamps() {
        in.ingestCreatedTimestamps();
    }

    /** A converted histogram takes the created timestamp of the classic series read last (same family and labels). */
    @Override
    public long createdTimestamp() {
        return in.createdTimestamp();
    }

    @Override
    public double value() {
        return synthetic ? Double.NaN : in.value();
    }

    @Override
    public boolean hasTimestamp() {
        return synthetic ? outHasTimestamp : in.hasTimestamp();
    }

    @Override
    public long timestamp() {
        return synthetic ? outTimestamp : in.timestamp();
    }

    @Override
    public boolean hasExemplar() {
        return !synthetic && in.hasExemplar();
    }

    @Override
    public Exemplar exemplar() {
        return synthetic ? null : in.exemplar();
    }

    @Override
    public boolean isFloatHistogram() {
        return synthetic ? outFloat : in.isFloatHistogram();
    }

    @Override
    public Histogram histogram() {
        return synthetic ? histogram : in.histogram();
    }

    @Override
    public FloatHistogram floatHistogram() {
        if (!synthetic) {
            return in.floatHistogram();
        }
        return outFloat ? floatHistogram : histogram.toFloat();
    }

    @Override
    public List<Exemplar> histogramExemplars() {
        return synthetic ? outExemplars : in.histogramExemplars();
    }

    @Override
    public String metricFamilyName() {
        return in.metricFamilyName();
    }

    @Override
    public MetricType type() {
        return in.type();
    }

    @Override
    public String help() {
        return in.help();
    }

    @Override
    public String unit() {
        return in.unit();
    }

    @Override
    public String comment() {
        return in.comment();
    }
}
