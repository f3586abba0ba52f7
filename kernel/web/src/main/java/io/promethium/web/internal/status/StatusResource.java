package io.promethium.web.internal.status;

import io.promethium.config.ConfigService;
import io.promethium.config.model.PrometheusConfig;
import io.promethium.launcher.spi.ServerInfo;
import io.promethium.web.internal.api.ApiResponses;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.core.Response;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** {@code /api/v1/status/*}: build info, flags, config and runtime info. */
@jakarta.ws.rs.Path("/api/v1/status")
public final class StatusResource {

    private final ServerInfo server;
    private final ConfigService config;

    public StatusResource(ServerInfo server, ConfigService config) {
        this.server = Objects.requireNonNull(server, "server is null");
        this.config = Objects.requireNonNull(config, "config is null");
    }

    @GET
    @jakarta.ws.rs.Path("buildinfo")
    public Response buildInfo() {
        return ApiResponses.success(g -> {
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

    @GET
    @jakarta.ws.rs.Path("flags")
    public Response flags() {
        Map<String, String> flags = new TreeMap<>(server.flags());
        return ApiResponses.success(g -> {
            g.writeStartObject();
            for (Map.Entry<String, String> flag : flags.entrySet()) {
                g.writeStringField(flag.getKey(), flag.getValue());
            }
            g.writeEndObject();
        });
    }

    @GET
    @jakarta.ws.rs.Path("config")
    public Response config() {
        PrometheusConfig current = config.current();
        String yaml = current == null ? "" : current.redactedYaml();
        return ApiResponses.success(g -> {
            g.writeStartObject();
            g.writeStringField("yaml", yaml);
            g.writeEndObject();
        });
    }

    @GET
    @jakarta.ws.rs.Path("runtimeinfo")
    public Response runtimeInfo() {
        ConfigService.ReloadResult reload = config.lastReload();
        Runtime runtime = Runtime.getRuntime();
        return ApiResponses.success(g -> {
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
