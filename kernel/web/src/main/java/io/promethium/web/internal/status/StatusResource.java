package io.promethium.web.internal.status;

import io.promethium.config.ConfigService;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.launcher.spi.ServerInfo;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** {@code /api/v1/status/*}: build info, flags, config and runtime info. */
public final class StatusResource implements Endpoints {

    private final ServerInfo server;
    private final ConfigService config;

    public StatusResource(ServerInfo server, ConfigService config) {
        this.server = Objects.requireNonNull(server, "server is null");
        this.config = Objects.requireNonNull(config, "config is null");
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        return List.of(Router.under("/api/v1/status").formLimit(formLimit).agent(agent)
                .get("/api/v1/status/buildinfo", this::buildInfo)
                .get("/api/v1/status/flags", this::flags)
                .get("/api/v1/status/config", this::config)
                .get("/api/v1/status/runtimeinfo", this::runtimeInfo)
                .build());
    }

    private void buildInfo(Router.Call call) throws IOException {
        call.success(g -> {
            g.writeStartObject();
            g.writeStringField("version", server.version());
            g.writeStringField("revision", server.revision());
            g.writeStringField("branch", "");
            g.writeStringField("buildUser", "");
            g.writeStringField("buildDate", "");
            g.writeStringField("goVersion", "java" + Runtime.version().feature());
            g.writeEndObject();
        });
    }

    private void flags(Router.Call call) throws IOException {
        Map<String, String> flags = new TreeMap<>(server.flags());
        call.success(g -> {
            g.writeStartObject();
            for (Map.Entry<String, String> flag : flags.entrySet()) {
                g.writeStringField(flag.getKey(), flag.getValue());
            }
            g.writeEndObject();
        });
    }

    private void config(Router.Call call) throws IOException {
        PrometheusConfig current = config.current();
        String yaml = current == null ? "" : current.redactedYaml();
        call.success(g -> {
            g.writeStartObject();
            g.writeStringField("yaml", yaml);
            g.writeEndObject();
        });
    }

    private void runtimeInfo(Router.Call call) throws IOException {
        ConfigService.ReloadResult reload = config.lastReload();
        Runtime runtime = Runtime.getRuntime();
        call.success(g -> {
            g.writeStartObject();
            g.writeStringField("startTime", server.startTime().toString());
            g.writeStringField("CWD", Path.of("").toAbsolutePath().toString());
            g.writeBooleanField("reloadConfigSuccess", reload.success());
            g.writeStringField("lastConfigTime", reload.at().equals(Instant.EPOCH) ? "" : reload.at().toString());
            g.writeNumberField("corruptionCount", 0);
            g.writeNumberField("goroutineCount", Thread.activeCount());
            g.writeNumberField("GOMAXPROCS", runtime.availableProcessors());
            g.writeNumberField("GOMEMLIMIT", runtime.maxMemory());
            g.writeStringField("GOGC", "");
            g.writeStringField("GODEBUG", "");
            String retention = server.flags().getOrDefault("storage.tsdb.retention.time", "");
            g.writeStringField("storageRetention", retention);
            g.writeEndObject();
        });
    }
}
