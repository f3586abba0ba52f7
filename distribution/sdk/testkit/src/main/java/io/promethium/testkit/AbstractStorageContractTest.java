package io.promethium.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.Exemplar;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MatchType;
import io.promethium.api.model.Matcher;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import io.promethium.api.model.StaleMarker;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.DeclaredCapabilities;
import io.promethium.api.storage.ExemplarQueryable;
import io.promethium.api.storage.MetadataQueryable;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageCapability;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.ValueType;
import io.promethium.api.storage.WalPosition;
import io.promethium.api.storage.WalVisitor;
import io.promethium.api.storage.WalWatchable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract of a {@link Storage}: its {@link Appender} and {@link Querier} as the api documents
 * them, for every sample type. A plugin's test extends this class and opens a fresh, empty storage
 * in a folder; the checks:
 * <ul>
 * <li>floats come back per series in time order, only after {@link Appender#commit()}; a rolled
 *     back batch is gone; a select lists no series without samples in its range (not one an
 *     uncommitted or rolled back append created); a returned series reference is non-zero and
 *     valid in a later batch;</li>
 * <li>a sample older than its series' newest is refused with {@code OUT_OF_ORDER} (unless
 *     {@link #acceptsOutOfOrder()}), one at the newest timestamp with another value with
 *     {@code DUPLICATE_TIMESTAMP}; an exact duplicate is accepted; the batch carries on either way;</li>
 * <li>a staleness marker reads back as the stale NaN, bit for bit;</li>
 * <li>the series of a classic histogram ({@code _bucket} with {@code le}, {@code _sum},
 *     {@code _count}) are selected by name and {@code le} like any series;</li>
 * <li>native histograms, integer and float, read back as appended (the counter-reset hint
 *     aside), or, from a storage that does not store them ({@link #storesNativeHistograms()}
 *     false: by default, a storage that implements {@link DeclaredCapabilities} without
 *     {@code NATIVE_HISTOGRAMS}), are refused with {@code UNSUPPORTED}: never silently lost; a
 *     malformed one is refused with {@code INVALID};</li>
 * <li>what a storage declares it keeps ({@link DeclaredCapabilities}) it keeps: start timestamps
 *     read back with their samples, floats and histograms;</li>
 * <li>a storage that cannot be queried ({@link #walOnly} gives its write-ahead log, as an agent's)
 *     is read back through that log, and a select on it fails with an error instead of answering
 *     "no data"; the querier's checks are skipped for it;</li>
 * <li>exemplars (when {@link #exemplars} gives a view of them) read back, an older one is
 *     {@code OUT_OF_ORDER}, one without a timestamp {@code INVALID}, an exact duplicate ignored;
 *     metadata (when {@link #metadata} gives a view) reads back;</li>
 * <li>the querier: the four matcher types (regexes anchored), its time range, sorted series,
 *     sorted and distinct label names and values filtered by matchers, an error for matchers that
 *     all match the empty string, and {@link SampleIterator#seek}.</li>
 * </ul>
 */
public abstract class AbstractStorageContractTest {

    /** A time well inside any head window: 2024-01-01T00:00:00Z. */
    protected static final long T0 = 1_704_067_200_000L;

    @TempDir
    protected Path dir;
    /** The storage under test, opened by {@link #openStorage} before each check. */
    protected Storage storage;

    /** A fresh, empty storage keeping its data under {@code dir}. */
    protected abstract Storage openStorage(Path dir) throws Exception;

    /** Closes the storage after each check; by default when it is {@link AutoCloseable}. */
    protected void closeStorage(Storage storage) throws Exception {
        if (storage instanceof AutoCloseable c) {
            c.close();
        }
    }

    /** Whether samples behind a series' newest are accepted (an out-of-order window). */
    protected boolean acceptsOutOfOrder() {
        return false;
    }

    /**
     * Whether the storage stores native histograms; if not, it must refuse them with {@code UNSUPPORTED}.
     * By default what the storage declares ({@link DeclaredCapabilities}), or true when it declares nothing.
     */
    protected boolean storesNativeHistograms() {
        return !(storage instanceof DeclaredCapabilities d) || d.capabilities().contains(StorageCapability.NATIVE_HISTOGRAMS);
    }

    /**
     * For a storage that cannot be queried (an agent: write-ahead log only), the log its commits
     * go to; null (the default) for a storage that is queried. With a log, the checks read back
     * what was committed from it (through {@link WalWatchable}, as remote write does), the checks
     * of the querier are skipped, and one more is made: a select fails with an error, never an
     * empty answer that would pass for "no data".
     */
    protected WalWatchable walOnly(Storage storage) {
        return null;
    }

    /**
     * Whether another value at a series' newest timestamp is refused as {@code DUPLICATE_TIMESTAMP}
     * (true, as Prometheus's TSDB); Prometheus's agent keeps it.
     */
    protected boolean refusesDuplicateTimestamps() {
        return true;
    }

    private void assumeQueryable() {
        Assumptions.assumeTrue(walOnly(storage) == null, "the storage cannot be queried (write-ahead log only)");
    }

    /** Whether the storage declares that it keeps {@code c}. */
    protected final boolean declares(StorageCapability c) {
        return storage instanceof DeclaredCapabilities d && d.capabilities().contains(c);
    }

    /** The exemplar view of the storage, or null when it keeps none (appended exemplars are then ignored). */
    protected ExemplarQueryable exemplars(Storage storage) {
        return storage instanceof ExemplarQueryable e ? e : null;
    }

    /** The metadata view of the storage, or null when it keeps none (metadata is then ignored). */
    protected MetadataQueryable metadata(Storage storage) {
        return storage instanceof MetadataQueryable m ? m : null;
    }

    @BeforeEach
    final void openContract() throws Exception {
        storage = openStorage(dir);
    }

    @AfterEach
    final void closeContract() throws Exception {
        if (storage != null) {
            closeStorage(storage);
        }
    }

    private static final Labels UP_A = Labels.of("__name__", "up", "job", "api", "instance", "a");
    private static final Labels UP_B = Labels.of("__name__", "up", "job", "api", "instance", "b");
    private static final Labels UP_C = Labels.of("__name__", "up", "job", "db", "instance", "c", "env", "prod");

    /** One sample as read back: a float (value) or a histogram (its text without the reset hint). */
    protected record Read(long t, double value, String histogram) {
    }

    /** Every series matching {@code matchers} in {@code [mint, maxt]}, sorted, with its samples. */
    protected Map<Labels, List<Read>> read(long mint, long maxt, Matcher... matchers) {
        WalWatchable wal = walOnly(storage);
        if (wal != null) {
            return readWal(wal, mint, maxt, matchers).samples;
        }
        try (Querier q = storage.querier(mint, maxt)) {
            SeriesSet set = q.select(true, null, List.of(matchers));
            Map<Labels, List<Read>> out = new LinkedHashMap<>();
            SampleIterator it = null;
            while (set.next()) {
                List<Read> samples = new ArrayList<>();
                it = set.at().iterator(it);
                while (it.next()) {
                    ValueType type = it.valueType();
                    samples.add(switch (type) {
                        case HISTOGRAM -> new Read(it.timestamp(), Double.NaN, hintless(it.histogram().toString()));
                        case FLOAT_HISTOGRAM -> new Read(it.timestamp(), Double.NaN, hintless(it.floatHistogram().toString()));
                        default -> new Read(it.timestamp(), it.value(), null);
                    });
                }
                assertThat(it.error()).as("iterator error of " + set.at().labels()).isNull();
                out.put(set.at().labels(), samples);
            }
            assertThat(set.error()).as("series set error").isNull();
            return out;
        }
    }

    /** What a write-ahead log holds: samples per series (sorted), and start timestamps per series and sample time. */
    private record WalContent(Map<Labels, List<Read>> samples, Map<Labels, Map<Long, Long>> starts) {
    }

    /** Everything in {@code wal} from its oldest segment on, filtered as a select would. */
    private static WalContent readWal(WalWatchable wal, long mint, long maxt, Matcher... matchers) {
        Map<Long, Labels> series = new HashMap<>();
        Map<Labels, List<Read>> samples = new TreeMap<>();
        Map<Labels, Map<Long, Long>> starts = new HashMap<>();
        WalVisitor visitor = new WalVisitor() {
            @Override
            public void series(long ref, Labels labels) {
                series.put(ref, labels);
            }

            private void add(long ref, Read r) {
                Labels labels = series.get(ref);
                assertThat(labels).as("the WAL names series " + ref + " before its samples").isNotNull();
                if (r.t() >= mint && r.t() <= maxt && matchesAll(labels, matchers)) {
                    samples.computeIfAbsent(labels, k -> new ArrayList<>()).add(r);
                }
            }

            @Override
            public void sample(long ref, long timestamp, double value) {
                add(ref, new Read(timestamp, value, null));
            }

            @Override
            public void histogram(long ref, long timestamp, Histogram h) {
                add(ref, new Read(timestamp, Double.NaN, hintless(h.toString())));
            }

            @Override
            public void floatHistogram(long ref, long timestamp, FloatHistogram h) {
                add(ref, new Read(timestamp, Double.NaN, hintless(h.toString())));
            }

            @Override
            public void startTimestamp(long ref, long timestamp, long startTimestamp) {
                Labels labels = series.get(ref);
                if (labels != null) {
                    starts.computeIfAbsent(labels, k -> new HashMap<>()).put(timestamp, startTimestamp);
                }
            }
        };
        try {
            WalPosition from = wal.oldest();
            wal.seriesBefore(from, visitor);
            WalPosition end = wal.end();
            while (from.compareTo(end) < 0) {
                WalPosition next = wal.read(from, 1 << 20, visitor);
                if (next.equals(from)) {
                    break;
                }
                from = next;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("reading the write-ahead log", e);
        }
        return new WalContent(samples, starts);
    }

    private static boolean matchesAll(Labels labels, Matcher... matchers) {
        for (Matcher m : matchers) {
            if (!m.matches(labels.get(m.name()))) {
                return false;
            }
        }
        return true;
    }

    private Map<Labels, List<Read>> readAll() {
        return read(Long.MIN_VALUE, Long.MAX_VALUE, Matcher.of(MatchType.REGEX, "__name__", ".+"));
    }

    private static String hintless(String histogram) {
        return histogram.replaceFirst("hint=[A-Z_]+, ", "");
    }

    private static List<Read> floats(long... timesAndValues) {
        List<Read> out = new ArrayList<>();
        for (int i = 0; i < timesAndValues.length; i += 2) {
            out.add(new Read(timesAndValues[i], timesAndValues[i + 1], null));
        }
        return out;
    }

    private void appendUp(int samples) {
        Appender app = storage.appender();
        for (int i = 0; i < samples; i++) {
            long t = T0 + 15_000L * i;
            app.append(0, UP_A, t, i);
            app.append(0, UP_B, t, 100 + i);
            app.append(0, UP_C, t, 1);
        }
        app.commit();
    }

    @Test
    void floatSamplesAreReadBackPerSeriesInTimeOrderAndSeriesSorted() {
        appendUp(3);
        Map<Labels, List<Read>> all = readAll();
        assertThat(all.keySet()).as("series sorted by labels").containsExactlyElementsOf(java.util.stream.Stream.of(UP_A, UP_B, UP_C).sorted().toList());
        assertThat(all.get(UP_A)).containsExactlyElementsOf(floats(T0, 0, T0 + 15_000, 1, T0 + 30_000, 2));
        assertThat(all.get(UP_B)).containsExactlyElementsOf(floats(T0, 100, T0 + 15_000, 101, T0 + 30_000, 102));
    }

    @Test
    void nothingIsVisibleBeforeCommitAndARolledBackBatchIsGone() {
        Appender app = storage.appender();
        app.append(0, UP_A, T0, 1);
        // Series, not only samples: a storage may create a series at append (the TSDB's head does),
        // but a select lists only series with committed samples in its range, as Prometheus's does.
        assertThat(readAll()).as("series before commit").isEmpty();
        app.rollback();
        assertThat(readAll()).as("series after rollback").isEmpty();
        app = storage.appender();
        app.append(0, UP_A, T0, 1);
        app.commit();
        assertThat(readAll()).containsOnlyKeys(UP_A);
    }

    @Test
    void aReturnedReferenceIsNonZeroAndServesALaterBatch() {
        Appender app = storage.appender();
        long ref = app.append(0, UP_A, T0, 1);
        app.commit();
        assertThat(ref).isNotZero();
        app = storage.appender();
        app.append(ref, UP_A, T0 + 1000, 2);
        app.commit();
        assertThat(readAll().get(UP_A)).containsExactlyElementsOf(floats(T0, 1, T0 + 1000, 2));
    }

    @Test
    void anOlderSampleIsRefusedAsOutOfOrderAndTheBatchCarriesOn() {
        Assumptions.assumeFalse(acceptsOutOfOrder(), "the storage accepts out-of-order samples");
        Appender app = storage.appender();
        app.append(0, UP_A, T0 + 10_000, 1);
        app.commit();
        Appender next = storage.appender();
        StorageException e = catchThrowableOfType(StorageException.class, () -> {
            next.append(0, UP_A, T0, 5);
            next.commit(); // a storage may find it at commit; then the whole batch is refused
        });
        assertThat(e).as("an out-of-order sample is refused").isNotNull();
        assertThat(e.reason()).isEqualTo(StorageException.Reason.OUT_OF_ORDER);
        next.rollback(); // every appender ends with commit or rollback, even after one of them threw
        Appender third = storage.appender();
        third.append(0, UP_A, T0 + 20_000, 2);
        third.commit();
        assertThat(readAll().get(UP_A)).containsExactlyElementsOf(floats(T0 + 10_000, 1, T0 + 20_000, 2));
    }

    @Test
    void aSameTimestampWithAnotherValueIsADuplicateAndTheSameValueIsAccepted() {
        Assumptions.assumeTrue(refusesDuplicateTimestamps(), "the storage keeps another value at the same timestamp");
        Appender app = storage.appender();
        app.append(0, UP_A, T0, 1);
        app.commit();
        Appender same = storage.appender();
        same.append(0, UP_A, T0, 1);
        same.commit();
        Appender other = storage.appender();
        StorageException e = catchThrowableOfType(StorageException.class, () -> {
            other.append(0, UP_A, T0, 2);
            other.commit();
        });
        assertThat(e).as("another value at the same timestamp is refused").isNotNull();
        assertThat(e.reason()).isEqualTo(StorageException.Reason.DUPLICATE_TIMESTAMP);
        other.rollback();
        assertThat(readAll().get(UP_A)).containsExactlyElementsOf(floats(T0, 1));
    }

    @Test
    void aStalenessMarkerIsReadBackAsTheStaleNaN() {
        Appender app = storage.appender();
        app.append(0, UP_A, T0, 1);
        app.append(0, UP_A, T0 + 1000, StaleMarker.STALE_NAN);
        app.commit();
        List<Read> samples = readAll().get(UP_A);
        assertThat(samples).hasSize(2);
        assertThat(Double.doubleToRawLongBits(samples.get(1).value())).isEqualTo(StaleMarker.STALE_NAN_BITS);
    }

    @Test
    void theSeriesOfAClassicHistogramAreSelectedByNameAndLe() {
        Appender app = storage.appender();
        String[] les = {"0.1", "1", "+Inf"};
        for (int i = 0; i < les.length; i++) {
            app.append(0, Labels.of("__name__", "req_seconds_bucket", "job", "api", "le", les[i]), T0, 2 + i);
        }
        app.append(0, Labels.of("__name__", "req_seconds_sum", "job", "api"), T0, 3.5);
        app.append(0, Labels.of("__name__", "req_seconds_count", "job", "api"), T0, 4);
        app.commit();
        Map<Labels, List<Read>> buckets = read(Long.MIN_VALUE, Long.MAX_VALUE, Matcher.of(MatchType.EQUAL, "__name__", "req_seconds_bucket"));
        assertThat(buckets.keySet()).extracting(l -> l.get("le")).containsExactly("+Inf", "0.1", "1");
        assertThat(buckets.get(Labels.of("__name__", "req_seconds_bucket", "job", "api", "le", "+Inf"))).containsExactlyElementsOf(floats(T0, 4));
        assertThat(read(Long.MIN_VALUE, Long.MAX_VALUE, Matcher.of(MatchType.REGEX, "__name__", "req_seconds_.*"),
                Matcher.of(MatchType.NOT_EQUAL, "le", ""))).hasSize(3);
        assertThat(read(Long.MIN_VALUE, Long.MAX_VALUE, Matcher.of(MatchType.REGEX, "__name__", "req_seconds_(sum|count)"))).hasSize(2);
    }

    private static Histogram histogram(long i) {
        return new Histogram(CounterResetHint.UNKNOWN, 1, 0.001, 2 + i, 9 + 7 * i, 10.5 * i, HistogramSpans.pairs(0, 2, 1, 1),
                new long[] {1 + i, i, 3}, HistogramSpans.pairs(0, 1), new long[] {1 + i}, null);
    }

    private static FloatHistogram floatHistogram(long i) {
        return FloatHistogram.exponential(0, 0.001, 0.5 * i, 0.5 * i + 3.25 * i, 1.5 * i, HistogramSpans.pairs(0, 2), 1.25 * i, 2.0 * i);
    }

    @Test
    void integerNativeHistogramsAreReadBackOrRefusedAsUnsupported() {
        Labels series = Labels.of("__name__", "rpc_seconds", "job", "api");
        Appender app = storage.appender();
        if (!storesNativeHistograms()) {
            StorageException e = catchThrowableOfType(StorageException.class, () -> app.appendHistogram(0, series, T0, histogram(1)));
            assertThat(e).as("a storage without native histograms refuses them").isNotNull();
            assertThat(e.reason()).isEqualTo(StorageException.Reason.UNSUPPORTED);
            app.rollback();
            return;
        }
        Histogram reused = histogram(1);
        app.appendHistogram(0, series, T0, reused);
        // the caller may reuse its object once the call returns: the storage copied what it keeps
        reused.set(CounterResetHint.UNKNOWN, 1, 0.001, 0, 0, 0, HistogramSpans.EMPTY, new long[0], HistogramSpans.EMPTY, new long[0], null);
        app.appendHistogram(0, series, T0 + 1000, histogram(2));
        app.commit();
        assertThat(readAll().get(series)).extracting(Read::t, Read::histogram).containsExactly(
                org.assertj.core.groups.Tuple.tuple(T0, hintless(histogram(1).toString())),
                org.assertj.core.groups.Tuple.tuple(T0 + 1000, hintless(histogram(2).toString())));
    }

    @Test
    void floatNativeHistogramsAreReadBackOrRefusedAsUnsupported() {
        Labels series = Labels.of("__name__", "rpc_ratio", "job", "api");
        Appender app = storage.appender();
        if (!storesNativeHistograms()) {
            StorageException e = catchThrowableOfType(StorageException.class, () -> app.appendHistogram(0, series, T0, floatHistogram(1)));
            assertThat(e).as("a storage without native histograms refuses them").isNotNull();
            assertThat(e.reason()).isEqualTo(StorageException.Reason.UNSUPPORTED);
            app.rollback();
            return;
        }
        app.appendHistogram(0, series, T0, floatHistogram(1));
        app.appendHistogram(0, series, T0 + 1000, floatHistogram(2));
        app.commit();
        assertThat(readAll().get(series)).extracting(Read::t, Read::histogram).containsExactly(
                org.assertj.core.groups.Tuple.tuple(T0, hintless(floatHistogram(1).toString())),
                org.assertj.core.groups.Tuple.tuple(T0 + 1000, hintless(floatHistogram(2).toString())));
    }

    @Test
    void declaredStartTimestampsAreReadBackWithTheirSamples() {
        Assumptions.assumeTrue(declares(StorageCapability.START_TIMESTAMPS), "the storage does not declare START_TIMESTAMPS");
        Labels counter = Labels.of("__name__", "req_total", "job", "api");
        Labels histogram = Labels.of("__name__", "rpc_seconds", "job", "api");
        boolean histograms = storesNativeHistograms();
        Appender app = storage.appender();
        app.appendWithStart(0, counter, T0 - 5000, T0, 1);
        app.append(0, counter, T0 + 1000, 2); // no start timestamp
        app.appendWithStart(0, counter, T0 + 1500, T0 + 2000, 1); // a reset
        if (histograms) {
            app.appendHistogramWithStart(0, histogram, T0 - 5000, T0, histogram(1));
            app.appendHistogramWithStart(0, histogram, T0 - 5000, T0 + 1000, floatHistogram(2));
        }
        app.commit();
        assertThat(starts(counter)).as("start timestamps of " + counter)
                .containsExactly(T0 - 5000, SampleIterator.NO_START_TIMESTAMP, T0 + 1500);
        if (histograms) {
            assertThat(starts(histogram)).as("start timestamps of " + histogram).containsExactly(T0 - 5000, T0 - 5000);
        }
    }

    private List<Long> starts(Labels series) {
        List<Long> out = new ArrayList<>();
        WalWatchable wal = walOnly(storage);
        if (wal != null) {
            WalContent content = readWal(wal, Long.MIN_VALUE, Long.MAX_VALUE);
            Map<Long, Long> byTime = content.starts().getOrDefault(series, Map.of());
            for (Read r : content.samples().getOrDefault(series, List.of())) {
                out.add(byTime.getOrDefault(r.t(), SampleIterator.NO_START_TIMESTAMP));
            }
            return out;
        }
        try (Querier q = storage.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            List<Matcher> exact = new ArrayList<>();
            series.forEach((name, value) -> exact.add(Matcher.of(MatchType.EQUAL, name, value)));
            SeriesSet set = q.select(true, null, exact);
            assertThat(set.next()).as(series + " is selected").isTrue();
            SampleIterator it = set.at().iterator(null);
            while (it.next()) {
                out.add(it.startTimestamp());
            }
            assertThat(it.error()).isNull();
        }
        return out;
    }

    @Test
    void aStorageThatCannotBeQueriedRefusesASelectWithAnError() {
        Assumptions.assumeTrue(walOnly(storage) != null, "the storage is queried");
        appendUp(1);
        Throwable error;
        try (Querier q = storage.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.EQUAL, "__name__", "up")));
            boolean any = set.next();
            assertThat(any).as("a storage that cannot be queried lists no series").isFalse();
            error = set.error();
        } catch (StorageException e) {
            error = e;
        }
        assertThat(error).as("a select says it cannot be answered, not \"no data\"").isNotNull();
    }

    @Test
    void aMalformedHistogramIsRefusedAsInvalid() {
        Assumptions.assumeTrue(storesNativeHistograms(), "the storage refuses every native histogram");
        // count 1 while the buckets hold 3: Histogram.validate() refuses it, as Prometheus does.
        Histogram bad = new Histogram(CounterResetHint.UNKNOWN, 0, 0.001, 0, 1, 1, HistogramSpans.pairs(0, 1), new long[] {3},
                HistogramSpans.EMPTY, new long[0], null);
        Appender app = storage.appender();
        StorageException e = catchThrowableOfType(StorageException.class, () -> {
            app.appendHistogram(0, Labels.of("__name__", "bad"), T0, bad);
            app.commit();
        });
        assertThat(e).as("a malformed histogram is refused").isNotNull();
        assertThat(e.reason()).isEqualTo(StorageException.Reason.INVALID);
        app.rollback();
        assertThat(readAll()).doesNotContainKey(Labels.of("__name__", "bad"));
    }

    @Test
    void exemplarsAreKeptInOrderOrIgnored() {
        ExemplarQueryable view = exemplars(storage);
        Labels series = Labels.of("__name__", "req_total", "job", "api");
        Exemplar first = new Exemplar(Labels.of("trace_id", "abc"), 1, T0, true);
        Appender app = storage.appender();
        long ref = app.append(0, series, T0, 1);
        app.appendExemplar(ref, series, first);
        app.appendExemplar(ref, series, first); // an exact duplicate is ignored
        app.commit();
        if (view == null) {
            return; // a storage without exemplars ignores them; it must not fail the batch
        }
        List<Matcher> name = List.of(Matcher.of(MatchType.EQUAL, "__name__", "req_total"));
        assertThat(view.selectExemplars(T0 - 1000, T0 + 1000, List.of(name)))
                .singleElement().satisfies(s -> {
                    assertThat(s.seriesLabels()).isEqualTo(series);
                    assertThat(s.exemplars()).containsExactly(first);
                });
        Appender next = storage.appender();
        StorageException older = catchThrowableOfType(StorageException.class,
                () -> next.appendExemplar(0, series, new Exemplar(Labels.of("trace_id", "old"), 1, T0 - 1000, true)));
        assertThat(older).as("an older exemplar is refused").isNotNull();
        assertThat(older.reason()).isEqualTo(StorageException.Reason.OUT_OF_ORDER);
        StorageException untimed = catchThrowableOfType(StorageException.class,
                () -> next.appendExemplar(0, series, new Exemplar(Labels.of("trace_id", "x"), 1, 0, false)));
        assertThat(untimed).as("an exemplar without a timestamp is refused").isNotNull();
        assertThat(untimed.reason()).isEqualTo(StorageException.Reason.INVALID);
        next.rollback();
    }

    @Test
    void metadataIsKeptOrIgnored() {
        MetadataQueryable view = metadata(storage);
        Labels series = Labels.of("__name__", "req_total", "job", "api");
        Metadata meta = new Metadata(MetricType.COUNTER, "Requests served.", "", "req");
        Appender app = storage.appender();
        long ref = app.append(0, series, T0, 1);
        app.updateMetadata(ref, series, meta);
        app.commit();
        if (view == null) {
            return;
        }
        assertThat(view.selectMetadata(List.of(Matcher.of(MatchType.EQUAL, "__name__", "req_total"))))
                .singleElement().satisfies(m -> {
                    assertThat(m.seriesLabels()).isEqualTo(series);
                    assertThat(m.metadata().type()).isEqualTo(MetricType.COUNTER);
                    assertThat(m.metadata().help()).isEqualTo("Requests served.");
                });
    }

    @Test
    void theFourMatcherTypesSelectAsPrometheusDoes() {
        assumeQueryable();
        appendUp(1);
        Matcher up = Matcher.of(MatchType.EQUAL, "__name__", "up");
        assertThat(read(Long.MIN_VALUE, Long.MAX_VALUE, up, Matcher.of(MatchType.EQUAL, "job", "api")).keySet()).containsExactlyInAnyOrder(UP_A, UP_B);
        assertThat(read(Long.MIN_VALUE, Long.MAX_VALUE, up, Matcher.of(MatchType.NOT_EQUAL, "job", "api")).keySet()).containsExactlyInAnyOrder(UP_C);
        assertThat(read(Long.MIN_VALUE, Long.MAX_VALUE, up, Matcher.of(MatchType.REGEX, "instance", "a|c")).keySet()).containsExactlyInAnyOrder(UP_A, UP_C);
        assertThat(read(Long.MIN_VALUE, Long.MAX_VALUE, up, Matcher.of(MatchType.REGEX, "job", "ap")).keySet()).as("regexes are anchored").isEmpty();
        assertThat(read(Long.MIN_VALUE, Long.MAX_VALUE, up, Matcher.of(MatchType.NOT_REGEX, "instance", "a|b")).keySet()).containsExactlyInAnyOrder(UP_C);
        assertThat(read(Long.MIN_VALUE, Long.MAX_VALUE, up, Matcher.of(MatchType.EQUAL, "env", "")).keySet())
                .as("env=\"\" matches the series without env").containsExactly(UP_A, UP_B);
    }

    @Test
    void aQuerierSeesOnlyItsTimeRange() {
        assumeQueryable();
        appendUp(5);
        Map<Labels, List<Read>> window = read(T0 + 15_000, T0 + 45_000, Matcher.of(MatchType.EQUAL, "instance", "a"));
        assertThat(window.get(UP_A)).containsExactlyElementsOf(floats(T0 + 15_000, 1, T0 + 30_000, 2, T0 + 45_000, 3));
        assertThat(read(T0 + 100_000, T0 + 200_000, Matcher.of(MatchType.EQUAL, "instance", "a"))).isEmpty();
    }

    @Test
    void labelNamesAndValuesAreSortedDistinctAndFiltered() {
        assumeQueryable();
        appendUp(1);
        try (Querier q = storage.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            assertThat(q.labelNames(List.of())).containsExactly("__name__", "env", "instance", "job");
            assertThat(q.labelValues("job", List.of())).containsExactly("api", "db");
            assertThat(q.labelValues("instance", List.of(Matcher.of(MatchType.EQUAL, "job", "api")))).containsExactly("a", "b");
            assertThat(q.labelNames(List.of(Matcher.of(MatchType.EQUAL, "job", "api")))).containsExactly("__name__", "instance", "job");
        }
    }

    @Test
    void matchersThatAllMatchTheEmptyStringAreAnError() {
        assumeQueryable();
        appendUp(1);
        try (Querier q = storage.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(false, null, List.of(Matcher.of(MatchType.REGEX, "job", ".*")));
            boolean any = set.next();
            assertThat(any).isFalse();
            assertThat(set.error()).isNotNull();
        }
    }

    @Test
    void seekMovesToTheFirstSampleAtOrAfterItsTime() {
        assumeQueryable();
        appendUp(5);
        try (Querier q = storage.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.EQUAL, "instance", "a")));
            assertThat(set.next()).isTrue();
            SampleIterator it = set.at().iterator(null);
            assertThat(it.seek(T0 + 20_000)).isTrue();
            assertThat(it.timestamp()).isEqualTo(T0 + 30_000);
            assertThat(it.value()).isEqualTo(2);
            assertThat(it.seek(T0 + 10_000)).as("seek never goes back").isTrue();
            assertThat(it.timestamp()).isEqualTo(T0 + 30_000);
            assertThat(it.seek(T0 + 1_000_000)).isFalse();
        }
    }

    @Test
    void aSeriesAnswersIteratorsOfTheirOwnAlsoReadOnSeveralThreadsAtOnce() throws Exception {
        assumeQueryable();
        appendUp(500);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            expected.add((T0 + 15_000L * i) + "=" + Double.doubleToRawLongBits(i));
        }
        try (Querier q = storage.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.EQUAL, "instance", "a")));
            assertThat(set.next()).isTrue();
            SeriesIterators.assertEachReadsAlone(set.at(), expected, it -> it.timestamp() + "=" + Double.doubleToRawLongBits(it.value()));
        }
    }

    @Test
    void runsOfFloatsCopiedAtOnceAreTheSamplesReadOneByOne() {
        assumeQueryable();
        appendUp(700);
        Appender app = storage.appender();
        app.append(0, UP_A, T0 + 15_000L * 700, StaleMarker.STALE_NAN);
        app.append(0, UP_A, T0 + 15_000L * 701, 5);
        app.commit();
        List<String> oneByOne = new ArrayList<>();
        try (Querier q = storage.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.EQUAL, "instance", "a")));
            assertThat(set.next()).isTrue();
            SampleIterator it = set.at().iterator(null);
            while (it.next()) {
                oneByOne.add(it.timestamp() + "=" + Double.doubleToRawLongBits(it.value()));
            }
        }
        assertThat(oneByOne).hasSize(702);
        // Runs cut by a time limit and by room, as a window reader asks for them, and seeks between.
        for (int room : new int[] {1, 7, 64, 1000}) {
            List<String> runs = new ArrayList<>();
            try (Querier q = storage.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet set = q.select(true, null, List.of(Matcher.of(MatchType.EQUAL, "instance", "a")));
                assertThat(set.next()).isTrue();
                SampleIterator it = set.at().iterator(null);
                long[] ts = new long[room];
                double[] vs = new double[room];
                boolean has = it.next();
                long limit = T0;
                while (has) {
                    limit += 1_000_000;
                    int r = it.readFloats(limit, ts, vs, 0, room);
                    int n = r < 0 ? ~r : r;
                    assertThat(n).as("copied at most the room given").isLessThanOrEqualTo(room);
                    for (int i = 0; i < n; i++) {
                        assertThat(ts[i]).as("no sample after the limit").isLessThanOrEqualTo(limit);
                        runs.add(ts[i] + "=" + Double.doubleToRawLongBits(vs[i]));
                    }
                    has = r >= 0;
                    if (has && n == 0 && it.timestamp() <= limit) {
                        runs.add(it.timestamp() + "=" + Double.doubleToRawLongBits(it.value()));
                        has = it.next();
                    }
                }
                assertThat(it.error()).isNull();
            }
            assertThat(runs).as("runs of at most %d", room).containsExactlyElementsOf(oneByOne);
        }
    }
}
