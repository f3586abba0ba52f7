package io.promethium.discovery.dns.internal;

import io.promethium.goformat.GoAddresses;
import io.promethium.api.discovery.Discoverer;
import io.promethium.api.discovery.DiscoveryFailures;
import io.promethium.api.discovery.RefreshingDiscoverer;
import io.promethium.api.discovery.TargetGroup;
import io.promethium.api.model.Labels;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

/**
 * Looks up the names of one {@code dns_sd_configs} block every refresh interval
 * ({@link RefreshingDiscoverer}), one target group per name (source: the name). A failed lookup keeps the name's last good targets, is
 * counted in {@code prometheus_sd_dns_lookup_failures_total} and logged when its error changes;
 * a name that no longer exists (NXDOMAIN) is sent as an empty group.
 */
final class DnsDiscoverer implements Discoverer {

    static final String NAME_LABEL = "__meta_dns_name";
    static final String SRV_TARGET_LABEL = "__meta_dns_srv_record_target";
    static final String SRV_PORT_LABEL = "__meta_dns_srv_record_port";
    static final String MX_TARGET_LABEL = "__meta_dns_mx_record_target";
    static final String NS_TARGET_LABEL = "__meta_dns_ns_record_target";

    private final DnsSdConfig config;
    private final DnsLookup lookup;
    private final DnsSdMetrics metrics;
    /** The job: the refresh metrics' {@code config} label. */
    private final String owner;
    private final Logger log;
    private final DiscoveryFailures failures;
    private final RefreshingDiscoverer refresher;
    /** The last good group of each name: a failed lookup keeps it. */
    private final Map<String, TargetGroup> lastGood = new HashMap<>();

    DnsDiscoverer(DnsSdConfig config, DnsLookup lookup, DnsSdMetrics metrics, String owner, Logger log, ThreadFactory threads) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.lookup = Objects.requireNonNull(lookup, "lookup is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.owner = Objects.requireNonNull(owner, "owner is null");
        // On /metrics from the start, as Prometheus's Instantiate makes them. A refresh as a whole
        // never fails (failed lookups are counted per name), so the failures stay 0, as there.
        metrics.refreshFailures.add(0, DnsSdMetrics.MECHANISM, owner);
        metrics.refreshDuration.instantiate(DnsSdMetrics.MECHANISM, owner);
        this.log = Objects.requireNonNull(log, "log is null");
        this.failures = new DiscoveryFailures("DNS-SD: ", log, metrics.failures);
        // Lookup failures are per name (counted above); a refresh as a whole does not fail.
        this.refresher = new RefreshingDiscoverer("DNS-SD", config.refreshInterval(), threads, failures, this::refresh);
    }

    @Override
    public void start(Consumer<List<TargetGroup>> sink) {
        refresher.start(sink);
    }

    @Override
    public void close() {
        refresher.close();
    }

    /** Looks every name up: each name's group, its last good one when the lookup fails. */
    List<TargetGroup> refresh() throws InterruptedException {
        long start = System.nanoTime();
        try {
            return lookUpAll();
        } finally {
            metrics.refreshDuration.observe((System.nanoTime() - start) / 1e9, DnsSdMetrics.MECHANISM, owner);
        }
    }

    private List<TargetGroup> lookUpAll() throws InterruptedException {
        List<TargetGroup> groups = new ArrayList<>();
        for (String name : config.names()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("closed");
            }
            metrics.lookups.inc();
            String call = "lookup of " + name;
            try {
                TargetGroup group = group(name, lookup.lookup(name, type()));
                failures.succeeded(call);
                lastGood.put(name, group);
                groups.add(group);
            } catch (IOException | RuntimeException e) {
                failures.failed(call, call + " failed, keeping its last targets", e);
                TargetGroup last = lastGood.get(name);
                if (last != null) {
                    groups.add(last);
                }
            }
        }
        return groups;
    }

    private int type() {
        return switch (config.type()) {
            case SRV -> Type.SRV;
            case A -> Type.A;
            case AAAA -> Type.AAAA;
            case MX -> Type.MX;
            case NS -> Type.NS;
        };
    }

    private TargetGroup group(String name, List<Record> records) {
        List<Labels> targets = new ArrayList<>();
        for (Record record : records) {
            String address;
            String srvTarget = "";
            String srvPort = "";
            String mxTarget = "";
            String nsTarget = "";
            switch (record) {
                case SRVRecord srv -> {
                    srvTarget = srv.getTarget().toString();
                    srvPort = Integer.toString(srv.getPort());
                    address = hostPort(trimDot(srvTarget), srv.getPort());
                }
                case MXRecord mx -> {
                    mxTarget = mx.getTarget().toString();
                    address = hostPort(trimDot(mxTarget), config.port());
                }
                case NSRecord ns -> {
                    nsTarget = ns.getTarget().toString();
                    address = hostPort(trimDot(nsTarget), config.port());
                }
                case ARecord a -> address = hostPort(a.getAddress().getHostAddress(), config.port());
                case AAAARecord aaaa -> address = hostPort(GoAddresses.format(aaaa.getAddress()), config.port());
                case CNAMERecord cname -> {
                    // An A or AAAA question about an alias answers with the CNAME too.
                    continue;
                }
                default -> {
                    log.log(Level.FINE, "DNS-SD: ignoring record of unexpected type in the answer for " + name + ": " + record);
                    continue;
                }
            }
            Labels.Builder labels = Labels.builder();
            labels.set("__address__", address);
            labels.set(NAME_LABEL, name);
            labels.set(SRV_TARGET_LABEL, srvTarget);
            labels.set(SRV_PORT_LABEL, srvPort);
            labels.set(MX_TARGET_LABEL, mxTarget);
            labels.set(NS_TARGET_LABEL, nsTarget);
            targets.add(labels.build());
        }
        return new TargetGroup(name, targets, Labels.EMPTY);
    }

    static String trimDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** Go's {@code net.JoinHostPort}. */
    static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

}
