package io.promethium.web.internal.server;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import io.promethium.web.internal.metrics.ConnectionMetrics;

/**
 * A listener whose connections are served only with a slot, as behind Prometheus's
 * {@code --web.max-connections}: while every slot is held, connections wait (in the kernel's listen
 * backlog, or one per listener in its acceptor's hand) and are answered once a slot frees; none is
 * accepted only to be closed. Jetty's {@code ConnectionLimit} (and 12.1's
 * {@code NetworkConnectionLimit}) instead stop the acceptor by a flag it checks between accepts and
 * close a connection accepted over the limit. The slots are shared by all listeners, as Prometheus 3
 * shares one semaphore between its listen addresses.
 *
 * <p>The acceptor takes its slot after {@code accept} returns, not before as Go's
 * {@code SharedLimitListener} does: with several listeners, Go's idle accept loops each hold a slot
 * while they wait on a listener nobody connects to, so a freed slot can sit there while
 * connections wait on another listener. Here a slot only ever goes to a connection that exists.
 *
 * <p>At the limit, when no slot frees within 100 ms, the connections that have waited two seconds
 * or more on their clients (no request, or a request's headers incomplete; HTTP/2: no stream open)
 * are closed to make room: see {@link WaitingConnections}.
 *
 * <p>Without a limit the listener works the same way without slots, so its connections are
 * counted either way ({@link ConnectionMetrics}: as Prometheus's conntrack listener counts them, and
 * those that found the limit reached, with a warning).
 */
final class LimitedServerConnector extends ServerConnector {

    /** How long a connection waits for a slot before those waiting long on their clients are closed, and between such passes. */
    private static final long EVICTION_AFTER_MILLIS = 100;

    /** The limit's slots, or null for no limit (the connections are still counted). */
    private final Semaphore slots;
    private final int limit;
    private final ConnectionMetrics metrics;
    private final WaitingConnections waiting;
    /** The accepted connections holding a slot, until their end point closes or their set-up fails. */
    private final Set<SelectableChannel> holding = ConcurrentHashMap.newKeySet();
    /** Whether the acceptor's last accepted channel reached the selector; written and read by the acceptor thread only. */
    private boolean handedOver;

    /**
     * @param slots   the limit's slots, shared by the listeners it spans; null for no limit
     * @param limit   the limit, {@code --web.max-connections} (named in the warning when it is reached)
     * @param metrics counts the connections accepted and closed, and those that waited for a slot
     * @param waiting the connections waiting on their clients, shared by the listeners as the slots are:
     *                at the limit the longest waiting is closed to make room
     */
    LimitedServerConnector(Server server, Semaphore slots, int limit, ConnectionMetrics metrics, WaitingConnections waiting,
                           ConnectionFactory... factories) {
        // One acceptor per listener, as Go's single accept loop: it holds at most one waiting connection.
        super(server, 1, -1, factories);
        this.slots = slots;
        this.limit = limit;
        this.metrics = java.util.Objects.requireNonNull(metrics, "metrics is null");
        this.waiting = java.util.Objects.requireNonNull(waiting, "waiting is null");
        getSelectorManager().addEventListener(new SelectorManager.AcceptListener() {
            @Override
            public void onAccepting(SelectableChannel channel) {
                holding.add(channel);
                handedOver = true;
                metrics.accepted();
            }

            @Override
            public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
                release(channel);
            }
        });
    }

    /** The listener's selectors run a request on the thread that read it, handing their selecting on only for a long one: {@link SelectorHandOff}. */
    @Override
    protected SelectorManager newSelectorManager(java.util.concurrent.Executor executor, org.eclipse.jetty.util.thread.Scheduler scheduler,
            int selectors) {
        // Called by ServerConnector's constructor: uses no field of this class.
        SelectorHandOff handOff = new SelectorHandOff(executor, scheduler);
        return new ServerConnectorManager(handOff, scheduler, selectors) {
            @Override
            protected ManagedSelector newSelector(int id) {
                return new ManagedSelector(this, id) {
                    @Override
                    protected int nioSelect(Selector selector, boolean now) throws IOException {
                        handOff.beforeSelect();
                        return super.nioSelect(selector, now);
                    }
                };
            }
        };
    }

    @Override
    public void accept(int acceptorID) throws IOException {
        if (!(getTransport() instanceof ServerSocketChannel listener) || !listener.isOpen()) {
            return;
        }
        SocketChannel channel = listener.accept();
        if (slots != null && !slots.tryAcquire()) {
            // Every slot held: this connection, and those behind it in the backlog, wait for one to close.
            metrics.limitReached(limit);
            try {
                // First a moment for a slot to free (a burst of short requests turns them over fast),
                // then the connections waiting long on their clients are closed, and so on.
                while (!slots.tryAcquire(EVICTION_AFTER_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    WaitingConnections.Evicted evicted = waiting.closeWaitingLong();
                    if (evicted != null) {
                        metrics.evicted(limit, evicted.count(), evicted.client(), evicted.waitedNanos());
                    }
                }
            } catch (InterruptedException e) {
                // Jetty interrupts its acceptors to stop them: its accept loop then sees the connector stopped.
                channel.close();
                return;
            }
        }
        handedOver = false;
        try {
            // What ServerConnector does with an accepted channel (its own method for it is private).
            channel.configureBlocking(false);
            configure(channel.socket());
            getSelectorManager().accept(channel);
        } finally {
            if (!handedOver) {
                // Not handed to the selector (its set-up failed): the slot was not used.
                if (slots != null) {
                    slots.release();
                }
                channel.close();
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
            if (slots != null) {
                slots.release();
            }
            metrics.closed();
        }
    }
}
