package io.promethium.remote.receive;

import io.promethium.api.storage.Storage;
import io.promethium.api.web.HttpExchange;
import io.promethium.api.web.HttpRoutes;
import java.io.IOException;
import java.util.Arrays;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code POST /api/v1/write} on the server's port, through the route whiteboard: the
 * {@link RemoteWriteReceiver} set up by this bundle's flags ({@code --web.enable-remote-write-receiver},
 * {@code --web.remote-write-receiver.accepted-protobuf-messages}) and the features
 * {@code type-and-unit-labels} and {@code created-timestamp-zero-ingestion} of {@code --enable-feature},
 * appending to the server's storage. Off, it answers as Prometheus does when not enabled.
 */
@Component(service = HttpRoutes.class)
public final class RemoteWriteReceiverComponent implements HttpRoutes {

    /** Compressed and decoded body limits (Prometheus reads at most 32 MiB of a request). */
    static final long MAX_BODY_BYTES = 32L << 20;
    static final long MAX_DECODED_BYTES = 256L << 20;
    static final String ENABLE_FLAG = "web.enable-remote-write-receiver";

    private final RemoteWriteReceiver receiver;
    private volatile Storage storage;

    @Activate
    public RemoteWriteReceiverComponent(BundleContext context) {
        String features = flag(context, "enable-feature", "");
        receiver = new RemoteWriteReceiver(this::storage, Boolean.parseBoolean(flag(context, ENABLE_FLAG, "false")),
                MAX_BODY_BYTES, MAX_DECODED_BYTES,
                RemoteWriteReceiver.acceptedMessages(flag(context, RemoteWriteReceiver.ACCEPTED_FLAG,
                        RemoteWriteReceiver.V1 + "," + RemoteWriteReceiver.V2)),
                Arrays.stream(features.split(",")).map(String::strip).anyMatch("type-and-unit-labels"::equals),
                Arrays.stream(features.split(",")).map(String::strip).anyMatch(RemoteWriteReceiver.CREATED_TIMESTAMP_FEATURE::equals));
    }

    /** A flag's framework property (the launcher sets each declared flag; the default covers a bare framework). */
    static String flag(BundleContext context, String name, String fallback) {
        String value = context.getProperty("promethium.flag." + name);
        return value == null ? fallback : value;
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
