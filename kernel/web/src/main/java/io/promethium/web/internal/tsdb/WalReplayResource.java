package io.promethium.web.internal.tsdb;

import io.promethium.api.storage.WalReplayProgress;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code /api/v1/status/walreplay}: Prometheus's {@code serveWALReplayStatus},
 * {@code {"min", "max", "current"}} in WAL segments. Served from the start, before the server is
 * ready and in agent mode, as there: the storage reports its replay through a service of its own
 * ({@link WalReplayProgress}), registered before it replays. Without one (no storage yet, or one
 * with no WAL) all three are 0, as Prometheus answers before its replay starts.
 */
public final class WalReplayResource implements Endpoints {

    private final Supplier<WalReplayProgress> progress;

    /** {@code progress}: the storage's replay progress, or null while there is none. */
    public WalReplayResource(Supplier<WalReplayProgress> progress) {
        this.progress = Objects.requireNonNull(progress, "progress is null");
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        return List.of(Router.under("/api/v1/status/walreplay").formLimit(formLimit).agent(agent)
                .get("/api/v1/status/walreplay", this::status).build());
    }

    private void status(Router.Call call) throws IOException {
        WalReplayProgress p = progress.get();
        WalReplayProgress.Segments s = p == null ? WalReplayProgress.Segments.NONE : p.segments();
        call.success(g -> {
            g.writeStartObject();
            g.writeNumberField("min", s.min());
            g.writeNumberField("max", s.max());
            g.writeNumberField("current", s.current());
            g.writeEndObject();
        });
    }
}
