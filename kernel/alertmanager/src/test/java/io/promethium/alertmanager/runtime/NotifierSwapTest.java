package io.promethium.alertmanager.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.alertmanager.dispatch.Dispatcher;
import io.promethium.alertmanager.store.Silence;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Matcher;
import io.promethium.api.notify.Alert;
import io.promethium.api.notify.Notification;
import io.promethium.api.notify.Notifier;
import io.promethium.api.notify.NotifierContext;
import io.promethium.api.notify.NotifierFactory;
import io.promethium.api.notify.NotifyException;
import io.promethium.api.testing.CollectedSamples;
import io.promethium.config.http.KernelHttpClientFactory;
import io.promethium.config.lifecycle.PluginTracker;
import io.promethium.config.plugin.PluginMetricsRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Notifier plugins swapped under a running in-process Alertmanager: the kernel's lifecycle rule for notifiers. */
class NotifierSwapTest {

    @TempDir
    Path dir;
    private final PluginMetricsRegistry metrics = new PluginMetricsRegistry();
    /** Every notification sent, as "version:alertnames". */
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private AlertmanagerRuntime runtime;

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    /** A notifier plugin of type {@code team}; each version's notifiers record what they send under the version. */
    private final class TeamFactory implements NotifierFactory {
        final int version;
        /** Its notifiers hang in their send until interrupted (see {@link TeamNotifier#hangs}). */
        final boolean hang;
        final List<TeamNotifier> created = new CopyOnWriteArrayList<>();

        TeamFactory(int version) {
            this(version, false);
        }

        TeamFactory(int version, boolean hang) {
            this.version = version;
            this.hang = hang;
        }

        @Override
        public String type() {
            return "team";
        }

        @Override
        public void validate(PluginConfig config, NotifierContext context) throws ConfigException {
            config.requireOnly(Set.of("channel"));
            config.requiredString("channel");
        }

        @Override
        public Notifier create(PluginConfig config, NotifierContext context) throws ConfigException {
            validate(config, context);
            TeamNotifier notifier = new TeamNotifier(version, hang);
            created.add(notifier);
            return notifier;
        }
    }

    private final class TeamNotifier implements Notifier {
        final int version;
        /**
         * Whether a send waits until interrupted and then fails without retry, as a plugin's HTTP
         * send does ({@code HttpDelivery}: "interrupted").
         */
        final boolean hangs;
        final java.util.concurrent.CountDownLatch sending = new java.util.concurrent.CountDownLatch(1);
        volatile boolean closed;

        TeamNotifier(int version, boolean hangs) {
            this.version = version;
            this.hangs = hangs;
        }

        @Override
        public void send(Notification notification, Instant deadline) throws NotifyException {
            if (hangs) {
                sending.countDown();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw NotifyException.doNotRetry("interrupted", e);
                }
            }
            StringBuilder names = new StringBuilder();
            for (Alert alert : notification.alerts()) {
                names.append(names.isEmpty() ? "" : ",").append(alert.labels().get("instance"));
            }
            sent.add((closed ? "closed-" : "") + version + ":" + names);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private AlertmanagerRuntime start(String groupInterval, String block) throws Exception {
        Path file = dir.resolve("alertmanager.yml");
        Files.writeString(file, """
                route:
                  receiver: team
                  group_by: [alertname]
                  group_wait: 100ms
                  group_interval: %s
                  repeat_interval: 1h
                receivers:
                  - name: team
                    team_configs:
                      - %s
                """.formatted(groupInterval, block));
        runtime = new AlertmanagerRuntime(file, dir.resolve("data"), Duration.ofHours(1), "", Clock.systemUTC(), metrics,
                new KernelHttpClientFactory());
        return runtime;
    }

    private static Alert firing(String instance) {
        return new Alert(Labels.of("alertname", "Down", "instance", instance), Labels.EMPTY, Instant.now(), Instant.now().plusSeconds(600), "");
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }

    private double waiting(String key) {
        return metrics.gauge(PluginTracker.WAITING_METRIC, "", "key").value(key);
    }

    @Test
    void aNotifierUpdateTakesEffectAtOnceAndKeepsTheGroupAndTheNotificationLog() throws Exception {
        AlertmanagerRuntime rt = start("1s", "channel: ops");
        TeamFactory v1 = new TeamFactory(1);
        rt.addFactory(v1);
        rt.reload();
        rt.receive(List.of(firing("a")));
        await("v1 notified", () -> sent.contains("1:a"));
        Dispatcher dispatcher = rt.active().dispatcher();

        rt.removeFactory(v1);
        assertThat(v1.created).allMatch(n -> n.closed);
        rt.receive(List.of(firing("b")));
        Thread.sleep(1500);
        assertThat(sent).as("no code of the removed plugin runs").containsExactly("1:a");
        assertThat(rt.waitingReceivers()).containsEntry("team", List.of("team[0]: waiting for plugin `team`"));
        assertThat(waiting("team_configs")).isEqualTo(1);

        long arrived = System.nanoTime();
        rt.addFactory(new TeamFactory(2));
        await("the new version sends what waited, with the group's alerts", () -> sent.contains("2:a,b"));
        assertThat(Duration.ofNanos(System.nanoTime() - arrived)).as("at once, not after group_interval").isLessThan(Duration.ofMillis(900));
        assertThat(rt.active().dispatcher()).as("no reload: the same dispatcher").isSameAs(dispatcher);
        assertThat(rt.active().dispatcher().groupCount()).isEqualTo(1);
        assertThat(rt.waitingReceivers()).isEmpty();
        assertThat(waiting("team_configs")).isZero();
        Thread.sleep(1500);
        assertThat(sent).as("the notification log kept: nothing sent twice").containsExactly("1:a", "2:a,b");
    }

    @Test
    void aSendCutByItsPluginsUpdateIsRetriedThroughTheNewVersionAndNotCountedAsFailed() throws Exception {
        AlertmanagerRuntime rt = start("1s", "channel: ops");
        TeamFactory v1 = new TeamFactory(1, true);
        rt.addFactory(v1);
        rt.reload();
        rt.receive(List.of(firing("a")));
        await("v1 sending", () -> !v1.created.isEmpty() && v1.created.getFirst().sending.getCount() == 0);

        rt.removeFactory(v1);
        rt.addFactory(new TeamFactory(2));
        await("the new version sends what the old one was cut in", () -> sent.contains("2:a"));
        java.util.SortedMap<String, Double> failed = CollectedSamples.of(rt::collect)
                .subMap("alertmanager_notifications_failed_total{", "alertmanager_notifications_failed_total|");
        assertThat(failed).as("failures by integration and reason").isNotEmpty().allSatisfy((labels, value) -> assertThat(value)
                .as("an update is not the receiver's failure: " + labels).isZero());
    }

    @Test
    void aSilenceAndTheNotificationLogOutliveANotifierUpdate() throws Exception {
        AlertmanagerRuntime rt = start("1s", "channel: ops");
        TeamFactory v1 = new TeamFactory(1);
        rt.addFactory(v1);
        rt.reload();
        Instant now = Instant.now();
        String silence = rt.silences().upsert(new Silence("", List.of(Matcher.equal("instance", "quiet")), now,
                now.plusSeconds(600), now, "test", "across the notifier update"), now);
        rt.receive(List.of(firing("a"), firing("quiet")));
        await("v1 notified", () -> sent.contains("1:a"));

        rt.removeFactory(v1);
        rt.addFactory(new TeamFactory(2));
        // More than group_interval: the group is flushed by the new version at least once.
        Thread.sleep(1500);
        assertThat(sent).as("neither the sent group again (notification log) nor the silenced alert").containsExactly("1:a");
        assertThat(rt.silences().get(silence).state(Instant.now())).isEqualTo("active");
        assertThat(rt.silences().mutes(firing("quiet").labels(), Instant.now())).containsExactly(silence);

        rt.receive(List.of(firing("b")));
        await("the new version sends the group's new alert", () -> sent.size() > 1);
        assertThat(sent).as("the new version runs, the silenced alert still left out").containsExactly("1:a", "2:a,b");
    }

    @Test
    void aReceiverWhosePluginIsNotInstalledLoadsWaitsAndSendsWhenThePluginArrives() throws Exception {
        AlertmanagerRuntime rt = start("1h", "{channel: ops, send_resolved: true}");
        rt.reload();
        assertThat(rt.lastReloadOk()).isTrue();
        assertThat(rt.waitingReceivers()).containsEntry("team", List.of("team[0]: waiting for plugin `team`"));
        assertThat(rt.active().config().shown()).as("values masked until the plugin says which are secret").doesNotContain("ops");
        rt.receive(List.of(firing("a")));
        Thread.sleep(500);
        assertThat(sent).isEmpty();
        rt.addFactory(new TeamFactory(1));
        await("sent once the plugin is there", () -> sent.contains("1:a"));
    }

    @Test
    void aWaitingBlockThePluginRefusesWhenItArrivesShowsThePluginsError() throws Exception {
        AlertmanagerRuntime rt = start("1h", "{topic: ops}");
        rt.reload();
        rt.addFactory(new TeamFactory(1));
        assertThat(rt.waitingReceivers().get("team")).singleElement().asString().contains("topic");
    }
}
