package io.promethium.discovery.dns.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.config.PluginConfig;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscovererFactory;
import io.promethium.api.discovery.DiscoveryContext;
import java.nio.file.Path;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code dns} discovery type: owns {@code dns_sd_configs}. The resolver configuration is
 * {@code /etc/resolv.conf}, or the file of the {@code --discovery.dns.resolv-conf} flag; it is
 * read when a discoverer is created, so a reload picks up a changed file.
 */
@Component(service = DiscovererFactory.class)
public final class DnsDiscovererFactory implements DiscovererFactory {

    static final String RESOLV_CONF_FLAG = "promethium.flag.discovery.dns.resolv-conf";
    static final String DEFAULT_RESOLV_CONF = "/etc/resolv.conf";

    private volatile Path resolvConf;

    /** On a flat class path: the system property of the flag, else {@code /etc/resolv.conf}. */
    public DnsDiscovererFactory() {
        this.resolvConf = Path.of(System.getProperty(RESOLV_CONF_FLAG, DEFAULT_RESOLV_CONF));
    }

    DnsDiscovererFactory(Path resolvConf) {
        this.resolvConf = resolvConf;
    }

    @Activate
    void activate(BundleContext context) {
        String flag = context.getProperty(RESOLV_CONF_FLAG);
        if (flag != null && !flag.isBlank()) {
            resolvConf = Path.of(flag);
        }
    }

    @Override
    public String type() {
        return "dns";
    }

    @Override
    public void validate(PluginConfig config) throws ConfigException {
        DnsSdConfig.parse(config);
    }

    @Override
    public Discoverer create(PluginConfig config, DiscoveryContext context) throws ConfigException {
        DnsSdConfig parsed = DnsSdConfig.parse(config);
        return new DnsDiscoverer(parsed, new DnsLookup(ResolvConf.read(resolvConf)), new DnsSdMetrics(context.metrics()),
                context.owner(), context.logger(), context.threads());
    }
}
