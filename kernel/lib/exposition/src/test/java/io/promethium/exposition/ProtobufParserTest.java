package io.promethium.exposition;

import static io.promethium.testsupport.ProtoWriter.exemplar;
import static io.promethium.testsupport.ProtoWriter.label;
import static io.promethium.testsupport.ProtoWriter.span;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.promethium.api.model.CounterResetHint;
import io.promethium.api.model.FloatHistogram;
import io.promethium.api.model.Histogram;
import io.promethium.api.model.HistogramSpans;
import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import io.promethium.testsupport.FuzzRun;
import io.promethium.testsupport.ProtoWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProtobufParserTest {

    static final HistogramOptions NATIVE = new HistogramOptions(true, false, 0, 0);

    /** A native histogram message: schema 0, buckets at indexes 0,1 and 3 with counts 2, 1, 4 (deltas 2, -1, 3). */
    static ProtoWriter nativeHistogram() {
        return new ProtoWriter().varint(1, 8).dbl(2, 11.5)
                .message(3, new ProtoWriter().varint(1, 2).dbl(2, 1))
                .message(3, new ProtoWriter().varint(1, 7).dbl(2, 10))
                .sint(5, 0).dbl(6, 0.001).varint(7, 1)
                .message(12, span(0, 2)).message(12, span(1, 1)).packedSint(13, 2, -1, 3)
                .message(16, exemplar("abc", 0.7, 1_700_000_000, 250_000_000));
    }

    static byte[] latencyFamily(int type) {
        return new ProtoWriter().string(1, "rpc_latency_seconds").string(2, "RPC latency.").varint(3, type)
                .message(4, new ProtoWriter().message(1, label("job", "api")).message(7, nativeHistogram())).delimited();
    }

    record Seen(ExpositionParser.Entry entry, String name, Labels labels, double value, Object histogram) {
    }

    static List<Seen> parse(byte[] page, HistogramOptions options) throws ExpositionException {
        ExpositionParser p = ExpositionFormat.PROMETHEUS_PROTO.newParser(page, 0, page.length, ParseMode.LENIENT, options);
        List<Seen> out = new ArrayList<>();
        ExpositionParser.Entry e;
        while ((e = p.next()) != ExpositionParser.Entry.EOF) {
            switch (e) {
                case SERIES -> {
                    Labels.Builder b = Labels.builder();
                    p.labels(b);
                    out.add(new Seen(e, p.metricName(), b.build(), p.value(), null));
                }
                case HISTOGRAM -> {
                    Labels.Builder b = Labels.builder();
                    p.labels(b);
                    out.add(new Seen(e, p.metricName(), b.build(), Double.NaN, p.isFloatHistogram() ? p.floatHistogram() : p.histogram()));
                }
                default -> out.add(new Seen(e, p.metricFamilyName(), null, 0, null));
            }
        }
        return out;
    }

    @Test
    void countersGaugesAndSummariesBecomeSeriesWithTheirExemplars() throws Exception {
        byte[] page = ProtoWriter.page(
                new ProtoWriter().string(1, "http_requests_total").string(2, "Requests.").varint(3, 0)
                        .message(4, new ProtoWriter().message(1, label("code", "200"))
                                .message(3, new ProtoWriter().dbl(1, 42).message(2, exemplar("t1", 1, 1_700_000_000, 0)))
                                .varint(6, 1_700_000_001_000L))
                        .delimited(),
                new ProtoWriter().string(1, "temperature").varint(3, 1)
                        .message(4, new ProtoWriter().message(2, new ProtoWriter().dbl(1, 21.5))).delimited(),
                new ProtoWriter().string(1, "rpc_duration_seconds").varint(3, 2)
                        .message(4, new ProtoWriter().message(4, new ProtoWriter().varint(1, 10).dbl(2, 3.5)
                                .message(3, new ProtoWriter().dbl(1, 0.5).dbl(2, 0.25))
                                .message(3, new ProtoWriter().dbl(1, 0.99).dbl(2, 0.75)))).delimited());
        ExpositionParser p = ExpositionFormat.PROMETHEUS_PROTO.newParser(page, 0, page.length);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.TYPE);
        assertThat(p.type()).isEqualTo(MetricType.COUNTER);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.HELP);
        assertThat(p.help()).isEqualTo("Requests.");
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.SERIES);
        assertThat(p.value()).isEqualTo(42);
        assertThat(p.hasTimestamp()).isTrue();
        assertThat(p.timestamp()).isEqualTo(1_700_000_001_000L);
        assertThat(p.exemplar().labels()).isEqualTo(Labels.of("trace_id", "t1"));
        assertThat(p.exemplar().timestamp()).isEqualTo(1_700_000_000_000L);
        List<Seen> rest = new ArrayList<>();
        ExpositionParser.Entry e;
        while ((e = p.next()) != ExpositionParser.Entry.EOF) {
            if (e == ExpositionParser.Entry.SERIES) {
                Labels.Builder b = Labels.builder();
                p.labels(b);
                rest.add(new Seen(e, p.metricName(), b.build(), p.value(), null));
            }
        }
        assertThat(rest).extracting(Seen::labels).containsExactly(
                Labels.of("__name__", "temperature"),
                Labels.of("__name__", "rpc_duration_seconds_count"),
                Labels.of("__name__", "rpc_duration_seconds_sum"),
                Labels.of("__name__", "rpc_duration_seconds", "quantile", "0.5"),
                Labels.of("__name__", "rpc_duration_seconds", "quantile", "0.99"));
        assertThat(rest).extracting(Seen::value).containsExactly(21.5, 10.0, 3.5, 0.25, 0.75);
    }

    @Test
    void createdTimestampsOfCountersSummariesAndHistogramsAreRead() throws Exception {
        ProtoWriter created = new ProtoWriter().varint(1, 1_700_000_000).varint(2, 250_000_000);
        byte[] page = ProtoWriter.page(
                new ProtoWriter().string(1, "req_total").varint(3, 0)
                        .message(4, new ProtoWriter().message(3, new ProtoWriter().dbl(1, 42).message(3, created))).delimited(),
                new ProtoWriter().string(1, "temperature").varint(3, 1)
                        .message(4, new ProtoWriter().message(2, new ProtoWriter().dbl(1, 21.5))).delimited(),
                new ProtoWriter().string(1, "rpc_seconds").varint(3, 2)
                        .message(4, new ProtoWriter().message(4, new ProtoWriter().varint(1, 10).dbl(2, 3.5).message(4, created))).delimited(),
                new ProtoWriter().string(1, "lat_seconds").varint(3, 4)
                        .message(4, new ProtoWriter().message(7, nativeHistogram().message(15, created))).delimited());
        ExpositionParser p = ExpositionFormat.PROMETHEUS_PROTO.newParser(page, 0, page.length, ParseMode.LENIENT, NATIVE);
        List<String> seen = new ArrayList<>();
        ExpositionParser.Entry e;
        while ((e = p.next()) != ExpositionParser.Entry.EOF) {
            if (e == ExpositionParser.Entry.SERIES || e == ExpositionParser.Entry.HISTOGRAM) {
                seen.add(p.metricName() + "=" + p.createdTimestamp());
            }
        }
        assertThat(seen).containsExactly("req_total=1700000000250", "temperature=0", "rpc_seconds_count=1700000000250",
                "rpc_seconds_sum=1700000000250", "lat_seconds=1700000000250");
    }

    @Test
    void nativeHistogramIsOneEntryWithItsExemplars() throws Exception {
        byte[] page = latencyFamily(4);
        ExpositionParser p = ExpositionFormat.PROMETHEUS_PROTO.newParser(page, 0, page.length, ParseMode.LENIENT, NATIVE);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.TYPE);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.HELP);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.HISTOGRAM);
        Histogram h = p.histogram();
        h.validate();
        assertThat(h.schema()).isZero();
        assertThat(h.count()).isEqualTo(8);
        assertThat(h.zeroCount()).isEqualTo(1);
        assertThat(h.positiveSpans()).isEqualTo(HistogramSpans.pairs(0, 2, 1, 1));
        assertThat(h.positiveDeltas()).containsExactly(2, -1, 3);
        assertThat(p.histogramExemplars()).hasSize(1);
        assertThat(p.histogramExemplars().get(0).timestamp()).isEqualTo(1_700_000_000_250L);
        assertThat(p.next()).isEqualTo(ExpositionParser.Entry.EOF);
    }

    @Test
    void classicSeriesComeWithTheNativeOneOnlyWhenAskedFor() throws Exception {
        assertThat(parse(latencyFamily(4), NATIVE)).extracting(Seen::entry).doesNotContain(ExpositionParser.Entry.SERIES);
        List<Seen> both = parse(latencyFamily(4), new HistogramOptions(true, true, 0, 0));
        assertThat(both).extracting(Seen::entry).contains(ExpositionParser.Entry.HISTOGRAM);
        assertThat(both).filteredOn(s -> s.entry() == ExpositionParser.Entry.SERIES).extracting(Seen::labels).containsExactly(
                Labels.of("__name__", "rpc_latency_seconds_count", "job", "api"),
                Labels.of("__name__", "rpc_latency_seconds_sum", "job", "api"),
                Labels.of("__name__", "rpc_latency_seconds_bucket", "job", "api", "le", "1.0"),
                Labels.of("__name__", "rpc_latency_seconds_bucket", "job", "api", "le", "10.0"),
                Labels.of("__name__", "rpc_latency_seconds_bucket", "job", "api", "le", "+Inf"));
        List<Seen> classicOnly = parse(latencyFamily(4), HistogramOptions.CLASSIC);
        assertThat(classicOnly).extracting(Seen::entry).doesNotContain(ExpositionParser.Entry.HISTOGRAM);
        assertThat(classicOnly).filteredOn(s -> s.entry() == ExpositionParser.Entry.SERIES).hasSize(5);
    }

    @Test
    void gaugeHistogramCarriesTheGaugeHint() throws Exception {
        Seen h = parse(latencyFamily(5), NATIVE).stream().filter(s -> s.entry() == ExpositionParser.Entry.HISTOGRAM).findFirst().orElseThrow();
        assertThat(((Histogram) h.histogram()).counterResetHint()).isEqualTo(CounterResetHint.GAUGE);
    }

    @Test
    void floatHistogramIsReadFromAbsoluteCounts() throws Exception {
        byte[] page = new ProtoWriter().string(1, "weights").varint(3, 4)
                .message(4, new ProtoWriter().message(7, new ProtoWriter().dbl(4, 3.5).dbl(2, 2).sint(5, 1).dbl(6, 0)
                        .message(12, span(-1, 2)).packedDouble(14, 1.5, 2.0))).delimited();
        FloatHistogram f = (FloatHistogram) parse(page, NATIVE).get(1).histogram();
        f.validate();
        assertThat(f.count()).isEqualTo(3.5);
        assertThat(f.positiveBuckets()).containsExactly(1.5, 2.0);
    }

    @Test
    void bucketLimitLowersTheResolutionUntilItFits() throws Exception {
        Histogram limited = (Histogram) parse(latencyFamily(4), new HistogramOptions(true, false, 2, 0)).get(2).histogram();
        limited.validate();
        // schema 0 indexes 0,1,3 -> schema -1: 0,1,2 (three buckets) -> schema -2: 0,1,1 -> two buckets
        assertThat(limited.schema()).isEqualTo(-2);
        assertThat(limited.positiveBucketCount()).isEqualTo(2);
        assertThat(limited.count()).isEqualTo(8);
        Histogram factor = (Histogram) parse(latencyFamily(4), new HistogramOptions(true, false, 0, 3)).get(2).histogram();
        assertThat(factor.schema()).isEqualTo(-1); // 2^(2^1) = 4 >= 3; schema 0 grows by 2 only
        assertThatThrownBy(() -> parse(ProtoWriter.page(wideHistogram()), new HistogramOptions(true, false, 1, 0)))
                .isInstanceOf(ExpositionException.class).hasMessageContaining("bucket limit");
    }

    private static byte[] wideHistogram() {
        return new ProtoWriter().string(1, "wide").varint(3, 4)
                .message(4, new ProtoWriter().message(7, new ProtoWriter().varint(1, 2).sint(5, -4)
                        .message(12, span(-100, 1)).message(12, span(200, 1)).packedSint(13, 1, 0))).delimited();
    }

    @Test
    void truncatedOrWrongMessagesAreErrorsNamingTheFamily() {
        byte[] good = latencyFamily(4);
        assertThatThrownBy(() -> parse(java.util.Arrays.copyOf(good, good.length - 3), NATIVE))
                .isInstanceOf(ExpositionException.class).hasMessageContaining("MetricFamily message 1");
        byte[] noName = new ProtoWriter().varint(3, 1).delimited();
        assertThatThrownBy(() -> parse(noName, NATIVE)).hasMessageContaining("has no name");
    }

    /** Random bytes and flipped bits: only ExpositionException, never another exception or a hang. */
    @Test
    void garbageIsAlwaysAParseError() {
        FuzzRun run = FuzzRun.configure("exposition.protobuf.fuzz", 20261122, 5_000, Duration.ofSeconds(2)).start();
        Random random = new Random(run.seed());
        byte[] valid = ProtoWriter.page(latencyFamily(4), wideHistogram(), latencyFamily(5));
        long done = 0;
        for (; run.proceed(done); done++) {
            byte[] page = valid.clone();
            if (random.nextInt(3) == 0) {
                page = new byte[random.nextInt(100)];
                random.nextBytes(page);
            } else {
                for (int k = random.nextInt(3); k >= 0; k--) {
                    page[random.nextInt(page.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            try {
                parse(page, new HistogramOptions(true, random.nextBoolean(), random.nextInt(4), 0));
            } catch (ExpositionException expected) {
                // the one acceptable failure
            }
        }
        System.out.println("protobuf fuzz: " + run.summary(done));
    }
}
