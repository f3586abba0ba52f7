package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code uname(2)} reports, read from {@code /proc/sys/kernel} (the same kernel values,
 * without a native call); the machine from {@code /proc/sys/kernel/arch} where the kernel has it.
 */
final class UnameCollector implements NodeCollector {

    private final Path kernel;
    private final ProcReader reader = new ProcReader();

    UnameCollector(NodeSettings settings) {
        this.kernel = settings.procfs().resolve("sys/kernel");
    }

    @Override
    public String name() {
        return "uname";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        String sysname = read("ostype");
        String release = read("osrelease");
        String version = read("version");
        String nodename = read("hostname");
        String domainname = read("domainname");
        String machine = reader.tryRead(kernel.resolve("arch")) ? reader.text() : machine();
        out.single("node_uname_info", MetricType.GAUGE, "Labeled system information as provided by the uname system call.",
                Labels.of("domainname", domainname, "machine", machine, "nodename", nodename, "release", release,
                        "sysname", sysname, "version", version), 1);
    }

    private String read(String name) throws IOException {
        return reader.read(kernel.resolve(name)).text();
    }

    /** uname's machine from the JVM's architecture name. */
    static String machine() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "x86", "i386" -> "i686";
            case "arm64", "aarch64" -> "aarch64";
            default -> arch;
        };
    }
}
