package io.promethium.discovery.zookeeper.internal;

import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererThreads;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * Follows the {@code paths} of one nerve or serverset block as Prometheus's ZooKeeper tree cache
 * does: every node under each path (the path's own node included) is a target group whose
 * source is the node's path, with one target when its data parses as a member and none when it
 * does not or the node is gone. Each node is watched for data and children; a watch that fires
 * re-reads that node and its new children. A failed read, or a session that expired (its watches
 * lost), counts in {@code prometheus_treecache_zookeeper_failures_total}, is logged once per
 * change, ignores events and resyncs the whole tree after {@link #RETRY} (10 s, as Prometheus),
 * sending empty groups for nodes that went away meanwhile; the targets known stay until then.
 *
 * <p>One thread of the plugin's own does the reads (ZooKeeper's client adds its send and event
 * threads), so nodes are handled one event at a time, as in Prometheus. Unlike Prometheus, the
 * first update carries every group of the first complete read (or nothing, if that read fails),
 * so the job is not held up waiting for ZooKeeper.
 */
final class ZookeeperDiscoverer implements Discoverer {

    static final Duration RETRY = Duration.ofSeconds(10);

    /** A cached node: its last data (null when none was read or it is gone) and its children. */
    private static final class Node {
        byte[] data;
        boolean watched;
        final Map<String, Node> children = new HashMap<>();
    }

    /** One path's cache. */
    private final class Tree {
        final String prefix;
        Node head = new Node();

        Tree(String prefix) {
            this.prefix = prefix;
        }

        /** Reads a node and (for new children) its subtree, setting watches; Prometheus's {@code recursiveNodeUpdate}. */
        void update(String path, Node node) throws KeeperException, InterruptedException {
            byte[] data;
            try {
                data = zk.getData(path, watcher, null);
            } catch (KeeperException.NoNodeException e) {
                delete(path, node);
                if (node == head) {
                    throw new NoPathException(path);
                }
                return;
            }
            watch(node);
            if (node.data == null || !Arrays.equals(node.data, data)) {
                node.data = data;
                emit(path, data);
            }
            List<String> children;
            try {
                children = zk.getChildren(path, watcher);
            } catch (KeeperException.NoNodeException e) {
                delete(path, node);
                return;
            }
            Set<String> current = new HashSet<>(children);
            for (String child : children) {
                if (!node.children.containsKey(child)) {
                    Node childNode = new Node();
                    node.children.put(child, childNode);
                    update(join(path, child), childNode);
                }
            }
            for (String name : new ArrayList<>(node.children.keySet())) {
                if (!current.contains(name) || node.data == null) {
                    delete(join(path, name), node.children.remove(name));
                }
            }
        }

        /** A watch event on {@code path}: finds (or makes) its node and reads it again. */
        void changed(String path) throws KeeperException, InterruptedException {
            String rest = path.substring(prefix.length());
            Node node = head;
            for (String part : rest.split("/")) {
                if (part.isEmpty()) {
                    continue;
                }
                node = node.children.computeIfAbsent(part, p -> new Node());
            }
            update(path, node);
            if (head.data == null) {
                throw new NoPathException(prefix);
            }
        }

        /** Reads the tree anew after a failure; sends empty groups for nodes that are gone. */
        void resync() throws KeeperException, InterruptedException {
            Node previous = head;
            head = new Node();
            unwatchAll(previous);
            try {
                update(prefix, head);
            } catch (KeeperException | InterruptedException | RuntimeException e) {
                head = previous;
                throw e;
            }
            gone(prefix, previous, head);
        }

        private void gone(String path, Node previous, Node current) {
            for (Map.Entry<String, Node> child : previous.children.entrySet()) {
                Node now = current == null ? null : current.children.get(child.getKey());
                if (now == null) {
                    delete(join(path, child.getKey()), child.getValue());
                } else {
                    gone(join(path, child.getKey()), child.getValue(), now);
                }
            }
            if (current == null && previous.data != null) {
                emit(path, null);
            }
        }

        boolean owns(String path) {
            return path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
        }
    }

    /** The configured path itself does not exist. */
    private static final class NoPathException extends KeeperException.NoNodeException {
        NoPathException(String path) {
            super(path);
        }

        @Override
        public String getMessage() {
            return "path " + getPath() + " does not exist";
        }
    }

    private final ZookeeperSdConfig config;
    private final Members.Parser parser;
    private final ZookeeperSdMetrics metrics;
    private final Logger log;
    private final DiscoveryFailures failures;
    private final DiscovererThreads threads;
    private final Duration retry;
    private final List<Tree> trees = new ArrayList<>();
    /** Watch events and session changes from ZooKeeper's event thread, for the plugin's thread. */
    private final BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
    private final Watcher watcher = events::add;
    /** Groups changed while handling one event: sent together. */
    private final Map<String, TargetGroup> pending = new java.util.LinkedHashMap<>();
    private Consumer<List<TargetGroup>> updates;
    private volatile ZooKeeper zk;
    private int watched;

    ZookeeperDiscoverer(ZookeeperSdConfig config, Members.Parser parser, ZookeeperSdMetrics metrics, Logger log,
                        ThreadFactory threads, Duration retry) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.parser = Objects.requireNonNull(parser, "parser is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.log = Objects.requireNonNull(log, "log is null");
        this.failures = new DiscoveryFailures(config.kind() + " SD: ", log, metrics.failures);
        this.threads = new DiscovererThreads(threads);
        this.retry = retry;
        for (String path : config.paths()) {
            trees.add(new Tree(path));
        }
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        threads.lock().lock();
        try {
            if (updates != null) {
                throw new IllegalStateException(config.kind() + " discoverer already started");
            }
            updates = Objects.requireNonNull(sink, "sink is null");
            threads.start(this::run);
        } finally {
            threads.lock().unlock();
        }
    }

    private ZooKeeper connect() throws IOException {
        ZKClientConfig client = new ZKClientConfig();
        // No SASL: Prometheus's client has none, and probing for a JAAS file only logs noise.
        client.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        // A request without an answer fails after the session timeout instead of waiting forever.
        client.setProperty(ZKClientConfig.ZOOKEEPER_REQUEST_TIMEOUT, Long.toString(config.timeout().toMillis()));
        return new ZooKeeper(config.connectString(), (int) config.timeout().toMillis(), watcher, client);
    }

    private void run() {
        try {
            zk = connect();
        } catch (IOException | RuntimeException e) {
            failures.failed("connect", "cannot connect to " + config.connectString(), e);
            threads.send(updates, List.of());
            return;
        }
        try {
            long retryAt = 0;
            for (Tree tree : trees) {
                try {
                    tree.update(tree.prefix, tree.head);
                } catch (KeeperException e) {
                    retryAt = failed("initial read of " + tree.prefix, e);
                }
            }
            flush(true);
            while (!threads.isClosed()) {
                long wait = retryAt == 0 ? Long.MAX_VALUE : retryAt - System.nanoTime();
                WatchedEvent event = wait <= 0 ? null : events.poll(Math.min(wait, TimeUnit.SECONDS.toNanos(60)), TimeUnit.NANOSECONDS);
                if (event == null) {
                    if (retryAt != 0 && System.nanoTime() - retryAt >= 0) {
                        retryAt = resync();
                        flush(false);
                    }
                    continue;
                }
                if (event.getType() == Watcher.Event.EventType.None) {
                    if (event.getState() == Watcher.Event.KeeperState.Expired) {
                        // The session and its watches are gone; a new session, then a full read, as Prometheus does on EventNotWatching.
                        renewSession();
                        if (retryAt == 0) {
                            retryAt = failed("session", new IOException("ZooKeeper session expired, watches lost"));
                        }
                    }
                    continue;
                }
                if (retryAt != 0 || event.getPath() == null) {
                    continue;
                }
                for (Tree tree : trees) {
                    if (tree.owns(event.getPath())) {
                        try {
                            tree.changed(event.getPath());
                        } catch (KeeperException e) {
                            retryAt = failed("event on " + event.getPath(), e);
                        }
                    }
                }
                flush(false);
            }
        } catch (InterruptedException e) {
            // closed
        } finally {
            closeZooKeeper();
        }
    }

    private long resync() throws InterruptedException {
        for (Tree tree : trees) {
            try {
                tree.resync();
            } catch (KeeperException e) {
                return failed("resync of " + tree.prefix, e);
            }
        }
        failures.succeeded("zookeeper");
        return 0;
    }

    private long failed(String what, Exception e) {
        failures.failed("zookeeper", what + " failed, keeping the last targets, resyncing in " + retry.toSeconds() + "s", e);
        return System.nanoTime() + retry.toNanos();
    }

    private void renewSession() {
        closeZooKeeper();
        try {
            zk = connect();
        } catch (IOException | RuntimeException e) {
            failures.failed("connect", "cannot connect to " + config.connectString(), e);
        }
    }

    private void emit(String path, byte[] data) {
        List<Labels> targets = List.of();
        if (data != null) {
            try {
                targets = List.of(parser.parse(data, path));
            } catch (IOException e) {
                // As in Prometheus: a node that is not a member (a parent, a lock) has no target.
                log.fine(config.kind() + " SD: " + e.getMessage());
            }
        }
        pending.put(path, new TargetGroup(path, targets, Labels.EMPTY));
    }

    private void delete(String path, Node node) {
        for (Map.Entry<String, Node> child : node.children.entrySet()) {
            delete(join(path, child.getKey()), child.getValue());
        }
        node.children.clear();
        unwatch(node);
        if (node.data != null) {
            node.data = null;
            emit(path, null);
        }
    }

    private void watch(Node node) {
        if (!node.watched) {
            node.watched = true;
            watched++;
            metrics.watchers.add(1);
        }
    }

    private void unwatch(Node node) {
        if (node.watched) {
            node.watched = false;
            watched--;
            metrics.watchers.add(-1);
        }
    }

    private void unwatchAll(Node node) {
        unwatch(node);
        node.children.values().forEach(this::unwatchAll);
    }

    private void flush(boolean always) {
        if (always || !pending.isEmpty()) {
            threads.send(updates, new ArrayList<>(pending.values()));
        }
        pending.clear();
    }

    private static String join(String path, String child) {
        return path.endsWith("/") ? path + child : path + "/" + child;
    }

    private void closeZooKeeper() {
        ZooKeeper current = zk;
        zk = null;
        if (current == null) {
            return;
        }
        metrics.watchers.add(-watched);
        watched = 0;
        for (Tree tree : trees) {
            clearWatched(tree.head);
        }
        // close() asks the server to end the session and waits for its answer; bounded so a lost
        // server cannot hold up a reload (the client's threads end either way).
        Thread closer = Thread.ofVirtual().start(() -> {
            try {
                current.close(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            if (!closer.join(Duration.ofSeconds(3))) {
                closer.interrupt();
            }
        } catch (InterruptedException e) {
            closer.interrupt();
            Thread.currentThread().interrupt();
        }
    }

    private static void clearWatched(Node node) {
        node.watched = false;
        node.children.values().forEach(ZookeeperDiscoverer::clearWatched);
    }

    @Override
    public void close() {
        threads.close();
        closeZooKeeper();
    }
}
