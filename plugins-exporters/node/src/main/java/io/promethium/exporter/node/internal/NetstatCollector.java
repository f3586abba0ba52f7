package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Protocol counters from {@code /proc/net/netstat}, {@code /proc/net/snmp} and
 * {@code /proc/net/snmp6}, as {@code node_netstat_<Protocol>_<Name>}, limited to the fields the
 * {@code collector.netstat.fields} pattern selects.
 */
final class NetstatCollector implements NodeCollector {

    private final NodeSettings settings;
    private final Path netstat;
    private final Path snmp;
    private final Path snmp6;
    private final ProcReader reader = new ProcReader();
    /** "Protocol_Name" to {metric, help}, or to a sentinel when the field is not selected. */
    private final Map<String, Map<String, String[]>> byProtocol = new HashMap<>();
    private final List<String> header = new ArrayList<>();
    private static final String[] SKIP = new String[0];

    NetstatCollector(NodeSettings settings) {
        this.settings = settings;
        this.netstat = settings.procfs().resolve("net/netstat");
        this.snmp = settings.procfs().resolve("net/snmp");
        this.snmp6 = settings.procfs().resolve("net/snmp6");
    }

    @Override
    public String name() {
        return "netstat";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        pairs(netstat, out);
        pairs(snmp, out);
        if (reader.tryRead(snmp6)) {
            while (reader.nextLine()) {
                if (!reader.nextToken()) {
                    continue;
                }
                String key = reader.token();
                int six = key.indexOf('6');
                if (six < 0 || !reader.nextToken()) {
                    continue;
                }
                emit(out, key.substring(0, six + 1), key.substring(six + 1), reader.tokenDouble());
            }
        }
    }

    /** A file of line pairs: {@code Proto: names...} then {@code Proto: values...}. */
    private void pairs(Path file, FamilyBuffer out) throws IOException {
        reader.read(file);
        while (reader.nextLine()) {
            String protocol = reader.tokenUntil(':');
            if (protocol == null) {
                continue;
            }
            header.clear();
            while (reader.nextToken()) {
                header.add(reader.token());
            }
            if (!reader.nextLine()) {
                throw new IOException(file + ": " + protocol + " has names but no values");
            }
            String again = reader.tokenUntil(':');
            if (!protocol.equals(again)) {
                throw new IOException(file + ": expected values of " + protocol + ", got \"" + reader.line() + "\"");
            }
            for (String field : header) {
                if (!reader.nextToken()) {
                    throw new IOException(file + ": " + protocol + " has fewer values than names");
                }
                String[] name = lookup(protocol, field);
                if (name != SKIP) {
                    out.single(name[0], MetricType.UNKNOWN, name[1], Labels.EMPTY, reader.tokenDouble());
                }
            }
        }
    }

    private void emit(FamilyBuffer out, String protocol, String field, double value) {
        String[] name = lookup(protocol, field);
        if (name != SKIP) {
            out.single(name[0], MetricType.UNKNOWN, name[1], Labels.EMPTY, value);
        }
    }

    private String[] lookup(String protocol, String field) {
        Map<String, String[]> byField = byProtocol.computeIfAbsent(protocol, p -> new HashMap<>());
        String[] name = byField.get(field);
        if (name == null) {
            String key = protocol + "_" + field;
            name = settings.netstatFields() == null || settings.netstatFields().matcher(key).find()
                    ? new String[] {"node_netstat_" + key, "Statistic " + protocol + field + "."}
                    : SKIP;
            byField.put(field, name);
        }
        return name;
    }
}
