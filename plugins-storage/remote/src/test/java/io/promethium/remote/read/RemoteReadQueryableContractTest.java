package io.promethium.remote.read;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.LabelRewriter;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.api.http.HttpClientFactory;
import io.promethium.api.model.Labels;
import io.promethium.api.storage.Appender;
import io.promethium.api.storage.Queryable;
import io.promethium.api.testing.RoutesServer;
import io.promethium.remote.receive.RemoteReadLimits;
import io.promethium.remote.receive.RemoteReadReceiver;
import io.promethium.testkit.AbstractQueryableContractTest;
import io.promethium.testkit.HttpConfigClientFactory;
import io.promethium.tsdb.Tsdb;
import io.promethium.tsdb.TsdbOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kit's queryable contract on {@code remote_read}: the component reads, over loopback HTTP,
 * from this plugin's own remote read endpoint serving a TSDB that holds three series.
 */
class RemoteReadQueryableContractTest extends AbstractQueryableContractTest {

    @TempDir
    Path data;
    private Tsdb tsdb;
    private RoutesServer server;
    private RemoteReadComponent component;

    @Override
    protected Queryable queryable() throws Exception {
        tsdb = Tsdb.open(TsdbOptions.defaults(data).withCompactionInterval(Duration.ZERO).withWal(true, false));
        Appender app = tsdb.appender();
        for (int i = 0; i < 5; i++) {
            app.append(0, Labels.of("__name__", "up", "job", "api", "instance", "a"), 1000L * i, i);
            app.append(0, Labels.of("__name__", "up", "job", "api", "instance", "b"), 1000L * i, 1);
            app.append(0, Labels.of("__name__", "up", "job", "db", "instance", "ab", "env", "prod"), 1000L * i, 0);
        }
        app.commit();
        server = new RoutesServer(new RemoteReadReceiver(() -> tsdb, () -> Labels.EMPTY, 1 << 20, RemoteReadLimits.DEFAULT));
        component = new RemoteReadComponent();
        component.apply(List.of(new PluginConfig("remote_read", Map.of("url", server.url() + "/api/v1/read", "read_recent", true),
                "prometheus.yml:9:5")), context());
        return component;
    }

    @Override
    protected void closeQueryable(Queryable queryable) {
        component.deactivate();
        server.close();
        tsdb.close();
    }

    static SectionContext context() {
        return new SectionContext() {
            @Override
            public Labels externalLabels() {
                return Labels.EMPTY;
            }

            @Override
            public Path configDirectory() {
                return Path.of(".");
            }

            @Override
            public LabelRewriter relabeling(PluginConfig entry, String field) throws ConfigException {
                return LabelRewriter.IDENTITY;
            }

            @Override
            public HttpClientFactory httpClients() {
                return new HttpConfigClientFactory();
            }
        };
    }
}
