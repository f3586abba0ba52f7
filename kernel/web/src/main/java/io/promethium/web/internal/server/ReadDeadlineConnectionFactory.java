package io.promethium.web.internal.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;
import io.promethium.web.internal.metrics.ThrottledLog;

/**
 * HTTP/1.1 connections with {@code --web.read-timeout} as Prometheus (Go's
 * {@code http.Server.ReadTimeout}) means it: the whole request — request line, headers and body —
 * must be read within the deadline, counted from its first byte. Jetty's idle timeout (also set
 * to it, as Go closes idle connections after it) restarts at every byte, so a client trickling a
 * byte now and then (slowloris) would otherwise hold its connection and a thread's worth of state
 * until the 8 KiB header limit; at the deadline its connection is closed without an answer, as
 * Go's server does.
 *
 * <p>Jetty 12.0 has no such deadline of its own, hence this subclass of its connection: the
 * parser's {@code messageBegin} (bytes of a new request in the buffer) arms a scheduler task,
 * {@code messageComplete} (the body read to its end) or a bad message disarms it.
 *
 * <p>Each connection also tells {@link WaitingConnections} when it waits on its client (opened, or
 * its last answer sent, until a request's headers are complete), so that at the connection limit
 * the longest waiting gives way to a new one.
 */
final class ReadDeadlineConnectionFactory extends HttpConnectionFactory {
    static final Logger LOG = Logger.getLogger(ReadDeadlineConnectionFactory.class.getName());

    private final long deadlineMillis;
    private final AtomicLong expired;
    private final ThrottledLog warnings;
    private final WaitingConnections waiting;

    /**
     * @param deadlineMillis the whole request's read deadline; 0 for none (as Go's zero ReadTimeout)
     * @param expired        counts the connections closed at the deadline
     * @param warnings       the warning of a connection closed at the deadline, at most one line every
     *                       10 s with the count of the others (which are logged at {@code FINE})
     * @param waiting        where each connection says whether it waits on its client, for the connection limit
     */
    ReadDeadlineConnectionFactory(HttpConfiguration config, long deadlineMillis, AtomicLong expired, ThrottledLog warnings,
                                  WaitingConnections waiting) {
        super(config);
        this.deadlineMillis = deadlineMillis;
        this.expired = expired;
        this.warnings = warnings;
        this.waiting = java.util.Objects.requireNonNull(waiting, "waiting is null");
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        DeadlineConnection connection = new DeadlineConnection(getHttpConfiguration(), connector, endPoint, isRecordHttpComplianceViolations(),
                connector.getScheduler(), deadlineMillis, expired, warnings, waiting);
        connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
        connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
        return configure(connection, connector, endPoint);
    }

    private static final class DeadlineConnection extends HttpConnection {
        private final Scheduler scheduler;
        private final long deadlineMillis;
        private final AtomicLong expired;
        private final ThrottledLog warnings;
        private final WaitingConnections waiting;
        /** The armed deadline of the request being read, or null between requests. */
        private volatile Scheduler.Task armed;

        DeadlineConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, boolean recordViolations, Scheduler scheduler,
                           long deadlineMillis, AtomicLong expired, ThrottledLog warnings, WaitingConnections waiting) {
            super(config, connector, endPoint, recordViolations);
            this.scheduler = scheduler;
            this.deadlineMillis = deadlineMillis;
            this.expired = expired;
            this.warnings = warnings;
            this.waiting = waiting;
        }

        @Override
        public void onOpen() {
            waiting.waiting(getEndPoint());
            super.onOpen();
        }

        @Override
        protected HttpStreamOverHTTP1 newHttpStream(String method, String uri, org.eclipse.jetty.http.HttpVersion version) {
            return new TrackedStream(method, uri, version);
        }

        /** A request's exchange: once answered (or failed), the connection waits on its client again. */
        private final class TrackedStream extends HttpStreamOverHTTP1 {
            TrackedStream(String method, String uri, org.eclipse.jetty.http.HttpVersion version) {
                super(method, uri, version);
            }

            @Override
            public void succeeded() {
                // Before: completing may parse a pipelined request at once, which is then busy.
                waiting.waiting(getEndPoint());
                super.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                waiting.waiting(getEndPoint());
                super.failed(x);
            }
        }

        @Override
        protected RequestHandler newRequestHandler() {
            // Called by the super constructor: the fields above are not set yet, so read them only later.
            return new DeadlineRequestHandler();
        }

        private void arm() {
            // The parser calls messageBegin at every parse while it waits for a request, also with
            // nothing read yet (a kept-alive connection between requests: the idle timeout's time).
            if (deadlineMillis > 0 && armed == null && !isRequestBufferEmpty()) {
                armed = scheduler.schedule(this::expire, deadlineMillis, TimeUnit.MILLISECONDS);
            }
        }

        private void disarm() {
            Scheduler.Task task = armed;
            armed = null;
            if (task != null) {
                task.cancel();
            }
        }

        private void expire() {
            if (armed == null || !getEndPoint().isOpen()) {
                return;
            }
            armed = null;
            long count = expired.incrementAndGet();
            java.util.function.Supplier<String> line = () -> "closing " + getEndPoint().getRemoteSocketAddress()
                    + ": its request was not read within --web.read-timeout " + deadlineMillis + "ms (a slow or stalled client; "
                    + count + " cut off so far)";
            // The first of every 10 s as a warning (slow clients cannot fill the log), the others at FINE.
            if (!warnings.log("read_deadline", line)) {
                LOG.fine(line);
            }
            getEndPoint().close(new TimeoutException("request not read within --web.read-timeout (" + deadlineMillis + "ms)"));
        }

        @Override
        public void onClose(Throwable cause) {
            disarm();
            waiting.closed(getEndPoint());
            super.onClose(cause);
        }

        private final class DeadlineRequestHandler extends RequestHandler {
            @Override
            public void messageBegin() {
                super.messageBegin();
                arm();
            }

            @Override
            public boolean headerComplete() {
                waiting.busy(getEndPoint());
                return super.headerComplete();
            }

            @Override
            public boolean messageComplete() {
                disarm();
                return super.messageComplete();
            }

            @Override
            public void badMessage(org.eclipse.jetty.http.HttpException failure) {
                disarm();
                super.badMessage(failure);
            }

            @Override
            public void earlyEOF() {
                disarm();
                super.earlyEOF();
            }
        }
    }
}
