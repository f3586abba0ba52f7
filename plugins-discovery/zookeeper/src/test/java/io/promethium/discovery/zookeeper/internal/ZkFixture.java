package io.promethium.discovery.zookeeper.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * A real ZooKeeper server (Apache Curator's {@link TestingServer}, which runs ZooKeeper's own
 * server in this JVM on a loopback port) and a client that changes its nodes as Nerve or a
 * serverset member would.
 */
final class ZkFixture implements AutoCloseable {

    final TestingServer server;
    private ZooKeeper client;

    ZkFixture() throws Exception {
        server = new TestingServer(true);
        client = connect();
    }

    private ZooKeeper connect() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        ZooKeeper zk = new ZooKeeper(server.getConnectString(), 10_000, event -> {
            if (event.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, config);
        if (!connected.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no connection to the test ZooKeeper");
        }
        return zk;
    }

    String connectString() {
        return server.getConnectString();
    }

    /** Creates or overwrites a node (and its missing parents, empty). */
    void put(String path, String data) throws Exception {
        int slash = path.lastIndexOf('/');
        if (slash > 0) {
            String parent = path.substring(0, slash);
            if (client.exists(parent, false) == null) {
                put(parent, "");
            }
        }
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        try {
            client.create(path, bytes, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        } catch (KeeperException.NodeExistsException e) {
            client.setData(path, bytes, -1);
        }
    }

    /** Deletes a node and everything under it. */
    void delete(String path) throws Exception {
        for (String child : client.getChildren(path, false)) {
            delete(path + "/" + child);
        }
        client.delete(path, -1);
    }

    /** Stops the server (its data stays on disk). */
    void stopServer() throws Exception {
        server.stop();
    }

    /** Starts the stopped server again on the same port, and a new client. */
    void restartServer() throws Exception {
        server.restart();
        client.close();
        client = connect();
    }

    @Override
    public void close() throws Exception {
        client.close();
        server.close();
    }
}
