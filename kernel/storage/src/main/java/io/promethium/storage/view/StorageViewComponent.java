package io.promethium.storage.view;

import io.promethium.api.storage.Appender;
import io.promethium.api.storage.DeclaredCapabilities;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.Storage;
import io.promethium.api.storage.StorageCapability;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The one {@link Storage} service of the server: the primary storage (service property
 * {@code queryable.role=primary}: the TSDB, or agent mode's WAL-only storage) fanned out with
 * every secondary {@link Queryable} ({@code queryable.role=secondary}: remote read), as
 * Prometheus's fanout storage. Registered without a role and ranked above the primary, so every
 * component that asks for a {@code Storage} (the query engine's callers, rules, the series and
 * labels API, scrape, push) gets this view; {@code /federate} and remote read's start time ask
 * for the primary by its role.
 *
 * <p>The primary is a static reference (a new TSDB re-creates the view); secondaries come and go
 * as remote-read plugins do, and each querier sees those present when it opened.
 *
 * <p>Writes go to the primary by what it declares it keeps ({@link DeclaredCapabilities}, read when
 * it is bound): see {@link CapabilityRouter}.
 */
@Component(service = Storage.class, property = "service.ranking:Integer=100")
public final class StorageViewComponent implements Storage, DeclaredCapabilities {

    private final Storage primary;
    private final CapabilityRouter writes;
    private final List<Queryable> secondaries = new CopyOnWriteArrayList<>();

    @Activate
    public StorageViewComponent(
            @Reference(target = "(" + Queryable.ROLE_PROPERTY + "=" + Queryable.ROLE_PRIMARY + ")") Storage primary) {
        this.primary = primary;
        this.writes = new CapabilityRouter(primary);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(" + Queryable.ROLE_PROPERTY + "=" + Queryable.ROLE_SECONDARY + ")")
    void bindSecondary(Queryable queryable) {
        secondaries.add(queryable);
    }

    void unbindSecondary(Queryable queryable) {
        secondaries.remove(queryable);
    }

    private FanoutStorage view() {
        return new FanoutStorage(primary, List.copyOf(secondaries));
    }

    @Override
    public Appender appender() {
        return writes.appender();
    }

    @Override
    public Set<StorageCapability> capabilities() {
        return writes.capabilities();
    }

    @Override
    public long startTime() {
        return primary.startTime();
    }

    @Override
    public Querier querier(long minTime, long maxTime) {
        return view().querier(minTime, maxTime);
    }
}
