package io.promethium.discovery.http.internal;

import io.promethium.api.config.ByteSizes;
import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import io.promethium.api.http.ConfiguredHttpClient;
import io.promethium.api.plugin.PluginContext;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code http} discovery type: owns {@code http_sd_configs}. The largest answer read is the
 * {@code --discovery.http.body-size-limit} flag (64MiB by default; Prometheus reads any size).
 */
@Component(service = DiscovererFactory.class)
public final class HttpDiscovererFactory implements DiscovererFactory {

    static final String BODY_LIMIT_FLAG = "promethium.flag.discovery.http.body-size-limit";
    static final long DEFAULT_BODY_LIMIT = 64L << 20;

    private volatile long bodyLimit;

    /** On a flat class path: the system property of the flag, else 64MiB. */
    public HttpDiscovererFactory() {
        String flag = System.getProperty(BODY_LIMIT_FLAG);
        this.bodyLimit = flag == null || flag.isBlank() ? DEFAULT_BODY_LIMIT : limit(flag);
    }

    HttpDiscovererFactory(long bodyLimit) {
        this.bodyLimit = bodyLimit;
    }

    @Activate
    void activate(BundleContext context) {
        String flag = context.getProperty(BODY_LIMIT_FLAG);
        if (flag != null && !flag.isBlank()) {
            bodyLimit = limit(flag);
        }
    }

    private static long limit(String flag) {
        try {
            long limit = ByteSizes.parse(flag);
            return limit == 0 ? Long.MAX_VALUE : limit;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--discovery.http.body-size-limit: " + e.getMessage(), e);
        }
    }

    @Override
    public String type() {
        return "http";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        HttpSdConfig.parse(config);
    }

    @Override
    public void validate(PluginConfig config, PluginContext context) throws ConfigException {
        HttpSdConfig.parse(config);
        context.httpClients().validate(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        HttpSdConfig parsed = HttpSdConfig.parse(config);
        ConfiguredHttpClient http = context.httpClients().create(config, context.configDirectory());
        return new HttpDiscoverer(parsed, http, bodyLimit, new HttpSdMetrics(context.metrics()), context.owner(), context.logger(),
                context.threads());
    }
}
