package io.promethium.remote.receive;

import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.web.HttpRoutes;
import io.promethium.remote.wire.Snappy;
import io.promethium.testkit.AbstractHttpRoutesContractTest;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The kit's routes contract on {@code /api/v1/read}, from a TSDB holding one series. */
class RemoteReadReceiverContractTest extends AbstractHttpRoutesContractTest {

    @TempDir
    Path data;
    private Tsdb tsdb;

    @Override
    protected HttpRoutes routes() {
        tsdb = Tsdb.open(TsdbOptions.defaults(data).withCompactionInterval(java.time.Duration.ZERO).withWal(true, false));
        Appender app = tsdb.appender();
        app.append(0, Labels.of("__name__", "contract", "job", "kit"), 2000, 1);
        app.commit();
        return new RemoteReadReceiver(() -> tsdb, () -> Labels.of("region", "eu"), 1 << 20, RemoteReadLimits.DEFAULT);
    }

    @AfterEach
    void closeTsdb() {
        tsdb.close();
    }

    private static Request read(byte[] body) {
        return new Request("POST", "/api/v1/read", Map.of("Content-Type", "application/x-protobuf", "Content-Encoding", "snappy",
                "X-Prometheus-Remote-Read-Version", "0.1.0"), body);
    }

    @Override
    protected Request goodRequest() {
        byte[] raw = RemoteEndpointsTest.readRequest("contract", 1000, 3000);
        return read(Snappy.encode(raw, raw.length));
    }

    /** A body that is not snappy-compressed protobuf. */
    @Override
    protected Request badRequest() {
        return read("not snappy".getBytes(StandardCharsets.UTF_8));
    }
}
