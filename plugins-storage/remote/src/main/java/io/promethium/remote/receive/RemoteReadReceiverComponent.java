package io.promethium.remote.receive;

import io.promethium.api.storage.Storage;
import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import io.promethium.remote.read.ExternalLabelsSource;
import java.io.IOException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code POST /api/v1/read} on the server's port, through the route whiteboard: the
 * {@link RemoteReadReceiver} over the server's storage, bounded by this bundle's
 * {@code --storage.remote.read-*} flags, adding the config's external labels (from the
 * {@code remote_read} section's last load). In agent mode ({@code --agent}) it answers 422, as
 * Prometheus's agent does.
 */
@Component(service = HttpRoutes.class)
public final class RemoteReadReceiverComponent implements HttpRoutes {

    private final RemoteReadReceiver receiver;
    private volatile Storage storage;

    @Activate
    public RemoteReadReceiverComponent(BundleContext context, @Reference ExternalLabelsSource externalLabels) {
        receiver = new RemoteReadReceiver(this::storage, externalLabels::externalLabels, RemoteWriteReceiverComponent.MAX_BODY_BYTES,
                RemoteReadLimits.fromFlags(context::getProperty),
                Boolean.parseBoolean(RemoteWriteReceiverComponent.flag(context, "agent", "false")));
    }

    private Storage storage() {
        Storage s = storage;
        if (s == null) {
            throw new Routes.Unavailable("storage");
        }
        return s;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindStorage(Storage service) {
        storage = service;
    }

    void unbindStorage(Storage service) {
        if (storage == service) {
            storage = null;
        }
    }

    @Override
    public String pathPrefix() {
        return receiver.pathPrefix();
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        receiver.handle(exchange);
    }
}
