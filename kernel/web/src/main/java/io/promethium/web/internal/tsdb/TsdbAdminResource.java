package io.promethium.web.internal.tsdb;

import io.promethium.goformat.GoStrings;
import io.promethium.api.model.Matcher;
import io.promethium.api.storage.StorageException;
import io.promethium.api.storage.StorageAdmin;
import io.promethium.web.internal.api.ApiError;
import io.promethium.web.internal.api.Params;
import io.promethium.web.internal.routes.Endpoints;
import io.promethium.web.internal.routes.Router;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The TSDB admin endpoints ({@code delete_series}, {@code clean_tombstones}, {@code snapshot}),
 * answered {@code unavailable} unless {@code --web.enable-admin-api} is set.
 */
public final class TsdbAdminResource implements Endpoints {

    private static final DateTimeFormatter SNAPSHOT_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Supplier<StorageAdmin> admin;
    private final Supplier<Path> snapshotRoot;
    private final boolean enabled;
    private final Clock clock;

    /**
     * @param snapshotRoot where snapshots go ({@code <storage.tsdb.path>/snapshots}, as Prometheus)
     */
    public TsdbAdminResource(Supplier<StorageAdmin> admin, Supplier<Path> snapshotRoot, boolean enabled, Clock clock) {
        this.admin = Objects.requireNonNull(admin, "admin is null");
        this.snapshotRoot = Objects.requireNonNull(snapshotRoot, "snapshotRoot is null");
        this.enabled = enabled;
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    private void checkEnabled() {
        if (!enabled) {
            throw new ApiError(ApiError.Type.UNAVAILABLE, "admin APIs disabled");
        }
    }

    @Override
    public List<Router> routers(long formLimit, boolean agent) {
        String base = "/api/v1/admin/tsdb";
        return List.of(Router.under(base).formLimit(formLimit).agent(agent)
                .post(base + "/delete_series", this::deleteSeries).put(base + "/delete_series", this::deleteSeries)
                .post(base + "/clean_tombstones", this::cleanTombstones).put(base + "/clean_tombstones", this::cleanTombstones)
                .post(base + "/snapshot", this::snapshot).put(base + "/snapshot", this::snapshot)
                .build());
    }

    private void deleteSeries(Router.Call call) throws IOException {
        Params params = call.params();
        checkEnabled();
        List<String> selectors = params.all("match[]");
        if (selectors.isEmpty()) {
            throw new ApiError(ApiError.Type.BAD_DATA, "no match[] parameter provided");
        }
        long start = params.timeOr("start", Params.MIN_TIME);
        long end = params.timeOr("end", Params.MAX_TIME);
        List<List<Matcher>> sets = params.matchers("match[]", true);
        StorageAdmin db = admin.get();
        for (List<Matcher> set : sets) {
            try {
                db.delete(set, start, end);
            } catch (StorageException | IllegalArgumentException e) {
                throw new ApiError(ApiError.Type.INTERNAL, String.valueOf(e.getMessage()));
            }
        }
        call.empty(204);
    }

    private void cleanTombstones(Router.Call call) throws IOException {
        checkEnabled();
        try {
            admin.get().cleanTombstones();
        } catch (StorageException e) {
            throw new ApiError(ApiError.Type.INTERNAL, String.valueOf(e.getMessage()));
        }
        call.empty(204);
    }

    private void snapshot(Router.Call call) throws IOException {
        Params params = call.params();
        checkEnabled();
        String skip = params.get("skip_head");
        boolean skipHead = false;
        if (!skip.isEmpty()) {
            skipHead = switch (skip) {
                case "1", "t", "T", "TRUE", "true", "True" -> true;
                case "0", "f", "F", "FALSE", "false", "False" -> false;
                default -> throw Params.invalidParam("skip_head", "unable to parse boolean: strconv.ParseBool: parsing "
                        + GoStrings.quote(skip) + ": invalid syntax");
            };
        }
        StorageAdmin db = admin.get();
        String name = SNAPSHOT_TIME.format(clock.instant()) + "-" + String.format("%016x", ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
        Path dir = snapshotRoot.get().resolve(name);
        try {
            db.snapshot(dir, !skipHead);
        } catch (StorageException e) {
            throw new ApiError(ApiError.Type.INTERNAL, "create snapshot: " + e.getMessage());
        }
        call.success(g -> {
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeEndObject();
        });
    }
}
