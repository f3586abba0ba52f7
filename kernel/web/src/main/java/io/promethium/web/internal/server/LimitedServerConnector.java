package io.promethium.web.internal.server;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A listener whose acceptor takes a slot before it accepts, as Go's {@code netutil.LimitListener}
 * behind Prometheus's {@code --web.max-connections}: while every slot is held, connections wait in
 * the kernel's listen backlog (their requests are answered once a slot frees) and none is accepted
 * only to be closed. Jetty's {@code ConnectionLimit} (and 12.1's {@code NetworkConnectionLimit})
 * instead stop the acceptor by a flag it checks between accepts and close a connection accepted
 * over the limit; this one's acceptor cannot accept without a slot. The slots are shared by all
 * listeners, as Prometheus 3 shares one semaphore between its listen addresses.
 */
final class LimitedServerConnector extends ServerConnector {

    private final Semaphore slots;
    /** The accepted connections holding a slot, until their end point closes or their set-up fails. */
    private final Set<SelectableChannel> holding = ConcurrentHashMap.newKeySet();
    /** Whether the acceptor's last accepted channel reached the selector; written and read by the acceptor thread only. */
    private boolean handedOver;

    /**
     * @param slots the limit's slots, shared by the listeners it spans
     */
    LimitedServerConnector(Server server, Semaphore slots, ConnectionFactory... factories) {
        // One acceptor: the slot is taken by the thread that then accepts, as Go's single accept loop.
        super(server, 1, -1, factories);
        this.slots = slots;
        getSelectorManager().addEventListener(new SelectorManager.AcceptListener() {
            @Override
            public void onAccepting(SelectableChannel channel) {
                holding.add(channel);
                handedOver = true;
            }

            @Override
            public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
                release(channel);
            }
        });
    }

    @Override
    public void accept(int acceptorID) throws IOException {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            // Jetty interrupts its acceptors to stop them: its accept loop then sees the connector stopped.
            return;
        }
        handedOver = false;
        try {
            super.accept(acceptorID);
        } finally {
            if (!handedOver) {
                // Nothing accepted (the listener closed, or the accept failed): the slot was not used.
                slots.release();
            }
        }
    }

    @Override
    protected void onEndPointClosed(EndPoint endPoint) {
        super.onEndPointClosed(endPoint);
        if (endPoint.getTransport() instanceof SelectableChannel channel) {
            release(channel);
        }
    }

    private void release(SelectableChannel channel) {
        // Once per connection, whichever of its close or its failed set-up comes first.
        if (holding.remove(channel)) {
            slots.release();
        }
    }
}
