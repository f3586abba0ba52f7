package io.promethium.discovery.kubernetes.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.testing.DiscoveryHarness;
import io.promethium.api.testing.TestPluginContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A list's answer cut inside its HTTP/2 frames: the head and part of the JSON arrive in DATA
 * frames, then the stream stalls without END_STREAM, is reset (RST_STREAM), or its connection
 * goes away (GOAWAY, closed). The body guard does not depend on the HTTP version: a stalled body
 * fails the list after its answer time (3 s here, 5 s by default), a reset or a connection gone fails it at once; the
 * job warns once naming the API, the path and the cause, the targets stay, and once lists pass
 * again discovery follows changes. The API is fabric8's mock (h2c, as the JDK upgrades
 * {@code http://} with {@code enable_http2}, the default) behind {@link Http2FrameProxy}; the
 * lists are a renewal's (the watch timeout is 1 to 2 s here).
 */
class Http2ListCutTest {

    @TempDir
    Path dir;
    private MockApi api;
    private Http2FrameProxy proxy;
    private int probes;

    @BeforeEach
    void start() throws Exception {
        api = new MockApi(dir, Duration.ofSeconds(2));
        api.client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "web-1", "10.1.2.3")).create();
        proxy = new Http2FrameProxy(api.url());
    }

    @AfterEach
    void stop() {
        api.close();
        proxy.close();
    }

    @Test
    void aListStalledInsideItsHttp2FramesFailsAfterItsAnswerTimeIsWarnedOnceAndRecovers() throws Exception {
        listCut(Http2FrameProxy.Cut.STALL, 1, "stalled", Duration.ofSeconds(3), Duration.ofSeconds(5));
    }

    @Test
    void aListWhoseHttp2StreamIsResetMidBodyFailsAtOnceIsWarnedOnceAndRecovers() throws Exception {
        listCut(Http2FrameProxy.Cut.RESET, 2, "broke off", AnswerTimes.MINIMUM, Duration.ofSeconds(4));
    }

    @Test
    void aListWhoseHttp2ConnectionGoesAwayMidBodyFailsAtOnceIsWarnedOnceAndRecovers() throws Exception {
        listCut(Http2FrameProxy.Cut.GOAWAY, 2, "broke off", AnswerTimes.MINIMUM, Duration.ofSeconds(4));
    }

    /** @param answerTime how long a list's body may go silent (see {@link AnswerTimes}) */
    private void listCut(Http2FrameProxy.Cut how, int cuts, String cause, Duration answerTime, Duration warnWithin) throws Exception {
        KubernetesDiscovererFactory factory = new KubernetesDiscovererFactory(new InCluster(null, null, dir.resolve("token"),
                dir.resolve("ca.crt"), dir.resolve("namespace")), Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofSeconds(1),
                answerTime);
        TestPluginContext context = api.context("h2-cut");
        DiscoveryHarness run = api.start(factory.create(api.block("pod", "api_server", proxy.url()), context), context);
        run.await("the pod", s -> s.containsKey("pod/shop/web-1"));
        MockApi.awaitWatching(run);
        assertThat(proxy.h2Connections()).as("the lists go over HTTP/2").isPositive();
        proxy.cutLists(how, cuts);
        awaitAbove("a list cut inside its frames", proxy::listsCut, 0);
        long cutAt = System.nanoTime();
        while (warnings(run).isEmpty()) {
            assertThat(System.nanoTime() - cutAt).as("a warning within " + warnWithin + " of the cut; got " + run.warnings())
                    .isLessThan(warnWithin.toNanos());
            Thread.sleep(10);
        }
        long warnedAfter = System.nanoTime() - cutAt;
        String warning = warnings(run).getFirst();
        if (warning.contains(Transport.IncompleteAnswer.PREFIX)) {
            assertThat(warning).as("names the API, the path and the cause")
                    .contains("http://127.0.0.1:" + proxy.port() + "/api/v1/pods").contains(cause);
        } else {
            // A GOAWAY and close can reach the JDK client before it hands the response head on: the
            // request then fails as a whole, before any body, as a connection closed (EOF, or a closed channel).
            assertThat(how).as("only a closed connection fails a list before its body: " + warning).isEqualTo(Http2FrameProxy.Cut.GOAWAY);
            assertThat(warning).contains(Connections.Shared.CLOSED);
        }
        awaitAbove("the retried list cut too", proxy::listsCut, cuts - 1);
        long restoredAt = System.nanoTime();
        awaitFollowing(run);
        System.out.printf("list cut inside HTTP/2 frames (%s): warned after %d ms, following again %d ms after the last cut: %s%n",
                how, warnedAfter / 1_000_000, (System.nanoTime() - restoredAt) / 1_000_000, warning);
        List<String> warned = warnings(run);
        assertThat(warned.stream().filter(w -> w.contains(Transport.IncompleteAnswer.PREFIX)))
                .as("at most one warning of each kind for " + cuts + " cut lists: " + warned).hasSizeLessThanOrEqualTo(1);
        assertThat(warned.stream().filter(w -> !w.contains(Transport.IncompleteAnswer.PREFIX)))
                .as("at most one warning of each kind for " + cuts + " cut lists: " + warned).hasSizeLessThanOrEqualTo(1);
        assertThat(run.groups().get("pod/shop/web-1").targets()).as("the targets stayed").isNotEmpty();
        run.closeDiscoverer();
        assertThat(factory.connections().openConnections()).isZero();
    }

    private static List<String> warnings(DiscoveryHarness run) {
        return run.warnings().stream().filter(m -> m.contains(Transport.IncompleteAnswer.PREFIX)
                || m.contains("listing or watching pod failed") && m.contains(Connections.Shared.CLOSED)).toList();
    }

    private static void awaitAbove(String what, IntSupplier count, int before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (count.getAsInt() <= before) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within 30 s (still " + count.getAsInt() + ")");
            }
            Thread.sleep(10);
        }
    }

    /** Creates probe pods until discovery reports one: only a change seen through a watch shows it follows again. */
    private void awaitFollowing(DiscoveryHarness run) throws InterruptedException {
        MockApi.awaitWatching(run);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            int probe = ++probes;
            api.client.pods().inNamespace("shop").resource(PodRoleTest.pod("shop", "probe-" + probe, "10.1.9." + probe)).create();
            long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
            while (!run.groups().containsKey("pod/shop/probe-" + probe)) {
                long left = until - System.nanoTime();
                if (left <= 0 || run.nextUpdate(Duration.ofNanos(left)) == null) {
                    break;
                }
            }
            if (run.groups().containsKey("pod/shop/probe-" + probe)) {
                return;
            }
        }
        throw new AssertionError("the informer did not follow changes again within 30 s");
    }
}
