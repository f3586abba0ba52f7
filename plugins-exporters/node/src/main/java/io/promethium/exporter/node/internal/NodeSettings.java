package io.promethium.exporter.node.internal;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The node exporter's settings, from the command-line flags the bundle declares (its
 * {@code Promethium-Flags} manifest header, names as node_exporter's): where /proc, /sys and
 * the root file system are, which collectors run, and the include/exclude patterns.
 */
record NodeSettings(Path procfs, Path sysfs, Path rootfs, Map<String, Boolean> collectors,
                    Pattern filesystemMountPointsExclude, Pattern filesystemFsTypesExclude,
                    Pattern netdevDeviceInclude, Pattern netdevDeviceExclude,
                    Pattern diskstatsDeviceInclude, Pattern diskstatsDeviceExclude,
                    Pattern arpDeviceInclude, Pattern arpDeviceExclude,
                    Pattern netclassIgnoredDevices, boolean netclassIgnoreInvalidSpeed,
                    Pattern netstatFields, Pattern vmstatFields, boolean cpuGuest,
                    Path textfileDirectory, Path udevData) {

    /** How flag values reach bundles: framework properties named {@code promethium.flag.<name>}. */
    static final String PROPERTY_PREFIX = "promethium.flag.";

    /** The collectors, in node_exporter's order; every one is on by default. */
    static final List<String> COLLECTORS = List.of("arp", "conntrack", "cpu", "cpufreq", "diskstats", "edac",
            "entropy", "filefd", "filesystem", "hwmon", "loadavg", "mdadm", "meminfo", "netclass", "netdev",
            "netstat", "os", "pressure", "schedstat", "sockstat", "softnet", "stat", "textfile", "thermal_zone",
            "time", "uname", "vmstat");

    /** Every flag but the per-collector switches, with node_exporter's defaults (the manifest header repeats them). */
    static final Map<String, String> DEFAULTS = defaults();

    NodeSettings {
        Objects.requireNonNull(procfs, "procfs is null");
        Objects.requireNonNull(sysfs, "sysfs is null");
        Objects.requireNonNull(rootfs, "rootfs is null");
        collectors = Map.copyOf(collectors);
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("path.procfs", "/proc");
        d.put("path.sysfs", "/sys");
        d.put("path.rootfs", "/");
        d.put("path.udev.data", "/run/udev/data");
        d.put("collector.filesystem.mount-points-exclude",
                "^/(dev|proc|run|sys|mnt|media|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)");
        d.put("collector.filesystem.fs-types-exclude",
                "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$");
        d.put("collector.netdev.device-include", "");
        d.put("collector.netdev.device-exclude", "^lo$");
        d.put("collector.diskstats.device-include", "");
        // node_exporter's pattern with [0-9] for \d: a backslash does not survive manifest headers.
        d.put("collector.diskstats.device-exclude", "^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme[0-9]+n[0-9]+p)[0-9]+$");
        d.put("collector.arp.device-include", "");
        d.put("collector.arp.device-exclude", "");
        d.put("collector.netclass.ignored-devices", "^$");
        d.put("collector.netclass.ignore-invalid-speed", "false");
        d.put("collector.netstat.fields",
                "^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$");
        d.put("collector.vmstat.fields", "^(oom_kill|pgpg|pswp|pg.*fault).*");
        d.put("collector.cpu.guest", "true");
        d.put("collector.textfile.directory", "");
        return Map.copyOf(d);
    }

    /** Settings from flag values looked up by full property name; absent ones take the default. */
    static NodeSettings from(Function<String, String> properties) {
        Function<String, String> flag = name -> {
            String value = properties.apply(PROPERTY_PREFIX + name);
            return value != null ? value : DEFAULTS.getOrDefault(name, "true");
        };
        Map<String, Boolean> collectors = new LinkedHashMap<>();
        for (String c : COLLECTORS) {
            collectors.put(c, bool("collector." + c, flag.apply("collector." + c)));
        }
        Path root = Path.of(flag.apply("path.rootfs"));
        String textfile = flag.apply("collector.textfile.directory");
        return new NodeSettings(Path.of(flag.apply("path.procfs")), Path.of(flag.apply("path.sysfs")), root,
                collectors,
                pattern(flag, "collector.filesystem.mount-points-exclude"),
                pattern(flag, "collector.filesystem.fs-types-exclude"),
                pattern(flag, "collector.netdev.device-include"),
                pattern(flag, "collector.netdev.device-exclude"),
                pattern(flag, "collector.diskstats.device-include"),
                pattern(flag, "collector.diskstats.device-exclude"),
                pattern(flag, "collector.arp.device-include"),
                pattern(flag, "collector.arp.device-exclude"),
                pattern(flag, "collector.netclass.ignored-devices"),
                bool("collector.netclass.ignore-invalid-speed", flag.apply("collector.netclass.ignore-invalid-speed")),
                pattern(flag, "collector.netstat.fields"),
                pattern(flag, "collector.vmstat.fields"),
                bool("collector.cpu.guest", flag.apply("collector.cpu.guest")),
                textfile.isEmpty() ? null : Path.of(textfile),
                Path.of(flag.apply("path.udev.data")));
    }

    /** The default settings (no flags given). */
    static NodeSettings defaults(Path procfs, Path sysfs, Path rootfs) {
        Map<String, String> p = Map.of(PROPERTY_PREFIX + "path.procfs", procfs.toString(),
                PROPERTY_PREFIX + "path.sysfs", sysfs.toString(), PROPERTY_PREFIX + "path.rootfs", rootfs.toString());
        return from(p::get);
    }

    boolean enabled(String collector) {
        return collectors.getOrDefault(collector, false);
    }

    /** A path on the host's root file system ({@code --path.rootfs}). */
    Path root(String absolute) {
        return rootfs.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
    }

    /** Include wins when given; otherwise exclude; an empty pattern is no filter. */
    static boolean accepts(Pattern include, Pattern exclude, String value) {
        if (include != null) {
            return include.matcher(value).find();
        }
        return exclude == null || !exclude.matcher(value).find();
    }

    private static Pattern pattern(Function<String, String> flag, String name) {
        String value = flag.apply(name);
        if (value.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("flag --" + name + ": invalid regular expression: " + e.getMessage(), e);
        }
    }

    private static boolean bool(String name, String value) {
        return switch (value) {
            case "true", "" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("flag --" + name + ": expected true or false, got \"" + value + "\"");
        };
    }
}
