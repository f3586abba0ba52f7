package io.promethium.exporter.node.internal;

import java.util.ArrayList;
import java.util.List;

/** Builds the enabled collectors from the settings, in node_exporter's order. */
final class Collectors {

    private Collectors() {
    }

    static List<NodeCollector> enabled(NodeSettings s) {
        List<NodeCollector> out = new ArrayList<>();
        for (String name : NodeSettings.COLLECTORS) {
            if (s.enabled(name)) {
                out.add(create(name, s));
            }
        }
        return out;
    }

    static NodeCollector create(String name, NodeSettings s) {
        return switch (name) {
            case "arp" -> new ArpCollector(s);
            case "conntrack" -> new ConntrackCollector(s);
            case "cpu" -> new CpuCollector(s);
            case "cpufreq" -> new CpufreqCollector(s);
            case "diskstats" -> new DiskstatsCollector(s);
            case "edac" -> new EdacCollector(s);
            case "entropy" -> new EntropyCollector(s);
            case "filefd" -> new FilefdCollector(s);
            case "filesystem" -> new FilesystemCollector(s);
            case "hwmon" -> new HwmonCollector(s);
            case "loadavg" -> new LoadavgCollector(s);
            case "mdadm" -> new MdadmCollector(s);
            case "meminfo" -> new MeminfoCollector(s);
            case "netclass" -> new NetclassCollector(s);
            case "netdev" -> new NetdevCollector(s);
            case "netstat" -> new NetstatCollector(s);
            case "os" -> new OsCollector(s);
            case "pressure" -> new PressureCollector(s);
            case "schedstat" -> new SchedstatCollector(s);
            case "sockstat" -> new SockstatCollector(s);
            case "softnet" -> new SoftnetCollector(s);
            case "stat" -> new StatCollector(s);
            case "textfile" -> new TextfileCollector(s);
            case "thermal_zone" -> new ThermalZoneCollector(s);
            case "time" -> new TimeCollector(s);
            case "uname" -> new UnameCollector(s);
            case "vmstat" -> new VmstatCollector(s);
            default -> throw new IllegalArgumentException("unknown collector \"" + name + "\"");
        };
    }
}
