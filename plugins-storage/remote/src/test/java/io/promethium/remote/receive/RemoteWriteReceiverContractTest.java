package io.promethium.remote.receive;

import io.promethium.api.model.Labels;
import io.promethium.api.web.HttpRoutes;
import io.promethium.remote.wire.Snappy;
import io.promethium.testkit.AbstractHttpRoutesContractTest;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The kit's routes contract on {@code /api/v1/write}, into a TSDB. */
class RemoteWriteReceiverContractTest extends AbstractHttpRoutesContractTest {

    @TempDir
    Path data;
    private Tsdb tsdb;
    private final AtomicLong series = new AtomicLong();

    @Override
    protected HttpRoutes routes() {
        tsdb = Tsdb.open(TsdbOptions.defaults(data).withCompactionInterval(java.time.Duration.ZERO).withWal(true, false));
        return new RemoteWriteReceiver(() -> tsdb, true, 1 << 20, 4 << 20);
    }

    @AfterEach
    void closeTsdb() {
        tsdb.close();
    }

    private static Request write(byte[] raw) {
        return new Request("POST", "/api/v1/write", Map.of("Content-Type", "application/x-protobuf", "Content-Encoding", "snappy",
                "X-Prometheus-Remote-Write-Version", "0.1.0"), Snappy.encode(raw, raw.length));
    }

    /** One sample of a series of its own (concurrent requests would otherwise race into out-of-order refusals). */
    @Override
    protected Request goodRequest() {
        return write(RemoteEndpointsTest.writeRequest(List.of(Labels.of("__name__", "contract", "job", "kit" + series.incrementAndGet())),
                new double[][] {{1000, 1}}));
    }

    /** A body that is not snappy-compressed protobuf. */
    @Override
    protected Request badRequest() {
        return new Request("POST", "/api/v1/write", Map.of("Content-Type", "application/x-protobuf", "Content-Encoding", "snappy"),
                "not snappy".getBytes(StandardCharsets.UTF_8));
    }
}
