package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Socket counts per protocol and state from {@code /proc/net/sockstat} and {@code sockstat6}; {@code mem} also in bytes. */
final class SockstatCollector implements NodeCollector {

    private final Path sockstat;
    private final Path sockstat6;
    private final long pageSize;
    private final ProcReader reader = new ProcReader();
    private final Map<String, String[]> names = new HashMap<>();

    SockstatCollector(NodeSettings settings) {
        this.sockstat = settings.procfs().resolve("net/sockstat");
        this.sockstat6 = settings.procfs().resolve("net/sockstat6");
        this.pageSize = PageSize.bytes(settings.procfs());
    }

    @Override
    public String name() {
        return "sockstat";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        reader.read(sockstat);
        parse(out);
        if (reader.tryRead(sockstat6)) {
            parse(out);
        }
    }

    private void parse(FamilyBuffer out) throws IOException {
        while (reader.nextLine()) {
            String protocol = reader.tokenUntil(':');
            if (protocol == null) {
                continue;
            }
            while (reader.nextToken()) {
                String state = reader.token();
                if (!reader.nextToken()) {
                    throw new IOException("sockstat: " + protocol + " " + state + " has no value");
                }
                double value = reader.tokenLong();
                if (protocol.equals("sockets")) {
                    if (state.equals("used")) {
                        out.single("node_sockstat_sockets_used", MetricType.GAUGE, "Number of IPv4 sockets in use.", Labels.EMPTY, value);
                    }
                    continue;
                }
                String[] name = name(protocol, state);
                out.single(name[0], MetricType.GAUGE, name[1], Labels.EMPTY, value);
                if (state.equals("mem")) {
                    String[] bytes = name(protocol, "mem_bytes");
                    out.single(bytes[0], MetricType.GAUGE, bytes[1], Labels.EMPTY, value * pageSize);
                }
            }
        }
    }

    private String[] name(String protocol, String state) {
        return names.computeIfAbsent(protocol + "\u0000" + state, k -> new String[] {
            "node_sockstat_" + protocol + "_" + state, "Number of " + protocol + " sockets in state " + state + "."});
    }
}
