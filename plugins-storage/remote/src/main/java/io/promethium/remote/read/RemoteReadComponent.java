package io.promethium.remote.read;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.ConfigSection;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.config.SectionContext;
import io.promethium.api.storage.Querier;
import io.promethium.api.storage.Queryable;
import io.promethium.api.storage.Storage;
import io.promethium.api.trace.Tracer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Owns {@code remote_read:} and is a secondary {@link Queryable} (service property
 * {@code queryable.role=secondary}) that the kernel's storage view merges into every read, as
 * Prometheus's fan-out storage merges its remote read storages. The primary storage
 * ({@code queryable.role=primary}) is consulted only for its oldest timestamp
 * ({@code read_recent: false}).
 */
@Component(service = {ConfigSection.class, Queryable.class, ExternalLabelsSource.class},
        property = Queryable.ROLE_PROPERTY + "=" + Queryable.ROLE_SECONDARY)
public final class RemoteReadComponent implements ConfigSection, Queryable, ExternalLabelsSource {
    static final String USER_AGENT = "Promethium/0.1 (remote read)";

    private volatile List<RemoteReadClient> clients = List.of();
    private volatile Storage local;
    private volatile Tracer tracer = Tracer.NONE;
    private volatile io.promethium.api.model.Labels externalLabels = io.promethium.api.model.Labels.EMPTY;

    /** The server's tracer for Prometheus's spans, when the tracing bundle runs; read once per request. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + Tracer.SERVICE_PROPERTY + "=" + Tracer.PROMETHEUS + ")")
    public void bindTracer(Tracer service) {
        tracer = service;
    }

    public void unbindTracer(Tracer service) {
        if (tracer == service) {
            tracer = Tracer.NONE;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + Queryable.ROLE_PROPERTY + "=" + Queryable.ROLE_PRIMARY + ")")
    public void bindStorage(Storage storage) {
        local = storage;
    }

    public void unbindStorage(Storage storage) {
        if (local == storage) {
            local = null;
        }
    }

    @Override
    public io.promethium.api.model.Labels externalLabels() {
        return externalLabels;
    }

    @Override
    public String key() {
        return RemoteReadSettings.KEY;
    }

    @Override
    public void validate(List<PluginConfig> entries, SectionContext context) throws ConfigException {
        parseAll(entries, context);
    }

    private static List<RemoteReadSettings> parseAll(List<PluginConfig> entries, SectionContext context) throws ConfigException {
        List<RemoteReadSettings> result = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> urls = new HashSet<>();
        for (PluginConfig entry : entries) {
            RemoteReadSettings s = RemoteReadSettings.parse(entry, context);
            if (!s.name().isEmpty() && !names.add(s.name())) {
                throw entry.error("name", "found multiple remote read configs with job name \"" + s.name() + "\"");
            }
            if (!urls.add(s.url() + "|" + s.requiredMatchers() + "|" + s.readRecent())) {
                throw entry.error("url", "duplicate remote read configs are not allowed, found duplicate for URL: " + s.url());
            }
            result.add(s);
        }
        return result;
    }

    @Override
    public synchronized void apply(List<PluginConfig> entries, SectionContext context) throws ConfigException {
        externalLabels = context.externalLabels();
        List<RemoteReadClient> before = clients;
        Map<String, RemoteReadClient> reusable = new HashMap<>();
        for (RemoteReadClient c : before) {
            reusable.put(c.settings().fingerprint(), c);
        }
        List<RemoteReadClient> next = new ArrayList<>();
        try {
            for (RemoteReadSettings s : parseAll(entries, context)) {
                RemoteReadClient kept = reusable.remove(s.fingerprint());
                next.add(kept != null ? kept : new RemoteReadClient(s, USER_AGENT, () -> tracer));
            }
        } catch (ConfigException | RuntimeException e) {
            // Keep serving with the old clients; close only what was built for the failed config.
            for (RemoteReadClient c : next) {
                if (!before.contains(c)) {
                    c.close();
                }
            }
            throw e;
        }
        clients = List.copyOf(next);
        // Queries that started on a client being replaced may fail and show as a warning of that query.
        reusable.values().forEach(RemoteReadClient::close);
    }

    @Deactivate
    public synchronized void deactivate() {
        clients.forEach(RemoteReadClient::close);
        clients = List.of();
    }

    @Override
    public Querier querier(long minTime, long maxTime) {
        List<RemoteReadClient> current = clients;
        if (current.isEmpty()) {
            return Querier.empty();
        }
        return new RemoteQuerier(current, minTime, maxTime, () -> {
            Storage s = local;
            return s == null ? Long.MAX_VALUE : s.startTime();
        });
    }
}
