package io.promethium.discovery.kubernetes.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.plugin.PluginContext;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code kubernetes} discovery type: owns {@code kubernetes_sd_configs}. One factory serves
 * every job, so it holds the shared API connections and informers.
 */
@Component(service = DiscovererFactory.class)
public final class KubernetesDiscovererFactory implements DiscovererFactory {

    /** How long the first update waits for the informers' initial lists before sending what is known. */
    static final Duration INITIAL_WAIT = Duration.ofSeconds(30);

    /** The first wait before retrying a failed list or watch; fabric8 doubles it on each failure, up to 32 times it. */
    static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

    /**
     * A watch that has delivered nothing (no event, no new connection) for a random time between
     * this and twice this is renewed with a new list and watch: client-go's watch timeout (random
     * 5 to 10 minutes), which bounds how long a connection cut without a close goes unnoticed.
     */
    static final Duration WATCH_TIMEOUT = Duration.ofMinutes(5);

    private final Connections connections;
    private final Duration initialWait;
    /**
     * fabric8's informers log every failed retry; the discoverers report failures themselves,
     * once per change, so fabric8's own lines are kept to errors. Held here because
     * java.util.logging keeps loggers only weakly.
     */
    private final List<Logger> quieted = List.of(Logger.getLogger("io.fabric8.kubernetes.client.informers"),
            Logger.getLogger("io.fabric8.kubernetes.client.dsl.internal"), Logger.getLogger("io.fabric8.kubernetes.client.jdkhttp"));

    public KubernetesDiscovererFactory() {
        this(InCluster.fromEnvironment(), INITIAL_WAIT, RETRY_INTERVAL, WATCH_TIMEOUT);
    }

    KubernetesDiscovererFactory(InCluster inCluster, Duration initialWait, Duration retryInterval) {
        this(inCluster, initialWait, retryInterval, WATCH_TIMEOUT);
    }

    KubernetesDiscovererFactory(InCluster inCluster, Duration initialWait, Duration retryInterval, Duration watchTimeout) {
        this(inCluster, initialWait, retryInterval, watchTimeout, AnswerTimes.MINIMUM);
    }

    /**
     * With {@code answerMinimum}: how long a watch may wait for its answer, and the least a list
     * may ({@link AnswerTimes#MINIMUM} otherwise), so tests of dead connections wait less.
     */
    KubernetesDiscovererFactory(InCluster inCluster, Duration initialWait, Duration retryInterval, Duration watchTimeout,
                                Duration answerMinimum) {
        this.connections = new Connections(inCluster, retryInterval, watchTimeout, answerMinimum);
        this.initialWait = initialWait;
        for (Logger logger : quieted) {
            logger.setLevel(Level.SEVERE);
        }
    }

    @Override
    public String type() {
        return "kubernetes";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        KubernetesSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        KubernetesSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        KubernetesSdConfig parsed = KubernetesSdConfig.parse(config);
        if (parsed.apiServer() != null) {
            context.httpClients().validate(config);
        }
        return new KubernetesDiscoverer(parsed, config, context, connections, new KubernetesSdMetrics(context.metrics()), initialWait);
    }

    /** The shared connections (tests check sharing and release). */
    Connections connections() {
        return connections;
    }
}
