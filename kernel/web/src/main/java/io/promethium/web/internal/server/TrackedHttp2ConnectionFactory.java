package io.promethium.web.internal.server;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.api.server.ServerSessionListener;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * HTTP/2 connections that tell {@link WaitingConnections} when they wait on their client: while no
 * stream is open, from the connection's start or its last stream's end. At the connection limit an
 * HTTP/2 connection idle for two seconds then gives way as an idle HTTP/1.1 one does, instead of
 * holding its slot until the idle timeout; one with a stream open never does.
 *
 * <p>Jetty 12.0's session has no event of its own for a stream's start and end, but its session
 * listener sees both: {@code onNewStream} for each stream a client opens, and, being also each
 * such stream's listener, {@code onClosed} when it ends (answered, reset or failed).
 */
final class TrackedHttp2ConnectionFactory extends HTTP2ServerConnectionFactory {

    /** How long the GOAWAY of a connection closed to make room may take to be written before it is closed anyway. */
    private static final long GOAWAY_GRACE_MILLIS = 1_000;

    private final WaitingConnections waiting;

    TrackedHttp2ConnectionFactory(HttpConfiguration config, WaitingConnections waiting) {
        super(config);
        this.waiting = java.util.Objects.requireNonNull(waiting, "waiting is null");
    }

    @Override
    protected ServerSessionListener newSessionListener(Connector connector, EndPoint endPoint) {
        return new TrackedListener(endPoint, connector.getScheduler());
    }

    /** One connection's session listener: Jetty's, which serves the streams, counting them. */
    private final class TrackedListener extends HTTPServerSessionListener {
        private final EndPoint endPoint;
        private final Scheduler scheduler;
        private final WaitingConnections.Closer closer = this::goAway;
        /** The streams open; the waiting marks are set under it too, so they follow the streams' starts and ends in order. */
        private final Set<Stream> open = new HashSet<>();
        private volatile Session session;

        TrackedListener(EndPoint endPoint, Scheduler scheduler) {
            super(endPoint);
            this.endPoint = endPoint;
            this.scheduler = scheduler;
        }

        @Override
        public void onAccept(Session session) {
            this.session = session;
            endPoint.getConnection().addEventListener(new Connection.Listener() {
                @Override
                public void onClosed(Connection connection) {
                    waiting.closed(endPoint);
                }
            });
            synchronized (open) {
                waiting.waiting(endPoint, closer);
            }
            super.onAccept(session);
        }

        @Override
        public Stream.Listener onNewStream(Stream stream, HeadersFrame frame) {
            synchronized (open) {
                if (open.add(stream) && open.size() == 1) {
                    waiting.busy(endPoint);
                }
            }
            return super.onNewStream(stream, frame);
        }

        @Override
        public void onClosed(Stream stream) {
            super.onClosed(stream);
            synchronized (open) {
                if (open.remove(stream) && open.isEmpty()) {
                    waiting.waiting(endPoint, closer);
                }
            }
        }

        private boolean busy() {
            synchronized (open) {
                // Jetty's own count too: a stream between its creation and onNewStream is in it only.
                return !open.isEmpty() || !session.getStreams().isEmpty();
            }
        }

        /**
         * A GOAWAY first, then the close (RFC 9113 section 9.1: an endpoint closing a connection
         * SHOULD send one): the client learns the close is deliberate and, by the GOAWAY's last
         * stream, that a request it sent in the meantime was not processed and may be sent again on
         * a new connection. A plain close would leave such a request failed with an I/O error. The
         * connection is closed once the GOAWAY is written, or after {@link #GOAWAY_GRACE_MILLIS} if
         * it is not (a client that does not read), so the slot frees either way; not if a stream
         * opened before the GOAWAY: it is served to its end, and the connection waits again.
         */
        private boolean goAway(EndPoint endPoint, TimeoutException why) {
            if (busy()) {
                return false;
            }
            Runnable closeIfIdle = () -> {
                if (!busy()) {
                    endPoint.close(why);
                }
            };
            scheduler.schedule(closeIfIdle, GOAWAY_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            session.close(ErrorCode.NO_ERROR.code, "closed to make room at --web.max-connections",
                    Callback.from(closeIfIdle, failure -> endPoint.close(why)));
            return true;
        }
    }
}
