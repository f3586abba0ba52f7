package io.promethium.remote.write;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.Exemplar;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.ExemplarQueryable.SeriesExemplars;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.SampleIterator;
import io.promethium.api.storage.SelectHints;
import io.promethium.api.storage.SeriesSet;
import io.promethium.api.testing.RoutesServer;
import io.promethium.remote.receive.RemoteWriteReceiver;
import io.promethium.remote.wire.writev2.WriteV2;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UTF-8 metric and label names (Prometheus 3's default name validation) over remote write 2.0
 * ({@code protobuf_message: io.prometheus.write.v2.Request}), sent by the queue manager.
 *
 * <p>The peer is not the real Prometheus: Debian's prometheus (2.42) does not speak remote write
 * 2.0. Instead (1) the bodies the sender puts on the wire are decoded by protobuf-java compiled
 * from the published 2.0 message definitions (remote-wire's test {@code types.proto}, written from
 * the specification), and the symbols table is checked byte for byte; (2) the sender writes to
 * this module's own 2.0 receiver, over loopback HTTP into a second real TSDB, where the series
 * are found by the matchers {@code {"my.metric", "service.name"="x"}} selects.
 */
class RemoteWrite2Utf8Test {

    @TempDir
    Path dir;

    private static final Labels SERIES = Labels.of("__name__", "my.metric", "service.name", "x", "ünï.ключ", "værdi ✓");
    private static final Labels EXEMPLAR = Labels.of("trace.id", "ab-ç");

    private static void await(BooleanSupplier condition, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + max);
            }
            Thread.sleep(20);
        }
    }

    /** One queue in 2.0 mode, with exemplars, reading {@code db}'s WAL and sending to {@code url}. */
    private static QueueManager start(Tsdb db, String url) throws Exception {
        RemoteWriteSettings s = QueueManagerTest.settings(url, Map.of("name", "v2", "protobuf_message", "io.prometheus.write.v2.Request",
                "send_exemplars", true));
        QueueManager q = new QueueManager(s, db.walWatchable(), new HttpSender(s, "test"), List::of, 1000);
        q.start();
        return q;
    }

    private static void appendUtf8Series(Tsdb db) {
        Appender app = db.appender();
        long ref = app.append(0, SERIES, 1000, 1);
        app.appendExemplar(ref, SERIES, new Exemplar(EXEMPLAR, 1, 1000, true));
        app.append(ref, SERIES, 2000, 2);
        app.commit();
    }

    private static Tsdb open(Path dir) throws Exception {
        return Tsdb.open(TsdbOptions.defaults(dir).withCompactionInterval(Duration.ZERO).withWal(true, false));
    }

    @Test
    void utf8NamesAreSentAsTheirUtf8BytesInTheSymbolsTable() throws Exception {
        try (Tsdb db = open(dir.resolve("sender")); TestReceiver receiver = new TestReceiver()) {
            db.setMaxExemplars(100);
            QueueManager q = start(db, receiver.url());
            try {
                appendUtf8Series(db);
                await(() -> receiver.samples.size() == 2, Duration.ofSeconds(20));
            } finally {
                q.close();
            }
            Labels sent = SERIES.toBuilder().set("replica", "a").build(); // the test's external label
            List<Labels> series = new ArrayList<>();
            List<Labels> exemplars = new ArrayList<>();
            for (byte[] body : receiver.v2Bodies) {
                WriteV2.Request request = WriteV2.Request.parseFrom(body);
                assertThat(request.getSymbols(0)).as("the spec's first symbol").isEmpty();
                Set<String> distinct = new HashSet<>(request.getSymbolsList());
                assertThat(distinct).as("symbols are not repeated").hasSize(request.getSymbolsCount());
                for (int i = 0; i < request.getSymbolsCount(); i++) {
                    // protobuf strings are UTF-8: the bytes on the wire are the name's own, not an escaped form.
                    assertThat(request.getSymbolsBytes(i).toByteArray()).isEqualTo(request.getSymbols(i).getBytes(StandardCharsets.UTF_8));
                }
                for (WriteV2.TimeSeries ts : request.getTimeseriesList()) {
                    series.add(resolve(request, ts.getLabelsRefsList()));
                    for (WriteV2.Exemplar ex : ts.getExemplarsList()) {
                        exemplars.add(resolve(request, ex.getLabelsRefsList()));
                    }
                }
                assertThat(request.getSymbolsList()).contains("my.metric", "service.name", "ünï.ключ", "værdi ✓", "trace.id", "ab-ç");
                assertThat(indexOfBytes(body, "ünï.ключ".getBytes(StandardCharsets.UTF_8))).as("the raw UTF-8 bytes in the body").isNotNegative();
            }
            assertThat(series).containsOnly(sent);
            assertThat(exemplars).containsExactly(EXEMPLAR);
        }
    }

    @Test
    void utf8NamesSentToOurReceiverAreStoredAndSelectedByTheirQuotedNames() throws Exception {
        try (Tsdb db = open(dir.resolve("sender")); Tsdb target = open(dir.resolve("receiver"));
                RoutesServer server = new RoutesServer(List.of(new RemoteWriteReceiver(() -> target, true, 1 << 20, 4 << 20,
                        Set.of("prometheus.WriteRequest", "io.prometheus.write.v2.Request"))))) {
            db.setMaxExemplars(100);
            target.setMaxExemplars(100);
            QueueManager q = start(db, server.url() + "/api/v1/write");
            try {
                appendUtf8Series(db);
                await(() -> q.metrics().samplesSent.sum() == 2, Duration.ofSeconds(20));
                assertThat(q.metrics().samplesFailed.sum()).isZero();
            } finally {
                q.close();
            }
            Labels stored = SERIES.toBuilder().set("replica", "a").build();
            // {"my.metric", "service.name"="x"}: the name as the selector's quoted metric name, the label quoted.
            List<Matcher> selector = List.of(Matcher.equal("__name__", "my.metric"), Matcher.equal("service.name", "x"));
            List<String> got = new ArrayList<>();
            try (Querier querier = target.querier(0, Long.MAX_VALUE)) {
                SeriesSet set = querier.select(true, SelectHints.range(0, Long.MAX_VALUE), selector);
                while (set.next()) {
                    SampleIterator it = set.at().iterator(null);
                    while (it.next()) {
                        got.add(set.at().labels() + " " + it.timestamp() + "=" + it.value());
                    }
                }
            }
            assertThat(got).containsExactly(stored + " 1000=1.0", stored + " 2000=2.0");
            assertThat(target.selectExemplars(0, Long.MAX_VALUE, List.of(selector)))
                    .containsExactly(new SeriesExemplars(stored, List.of(new Exemplar(EXEMPLAR, 1, 1000, true))));
        }
    }

    private static Labels resolve(WriteV2.Request request, List<Integer> refs) {
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < refs.size(); i += 2) {
            b.set(request.getSymbols(refs.get(i)), request.getSymbols(refs.get(i + 1)));
        }
        return b.build();
    }

    private static int indexOfBytes(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
