package io.promethium.exporter.node.internal;

import io.promethium.api.model.Labels;
import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Size, free and available bytes and read-only state of every mounted file system not excluded
 * by mount point or type, from {@code /proc/1/mounts} (falling back to {@code /proc/mounts}).
 * A file system whose statistics cannot be read gets {@code node_filesystem_device_error 1}.
 */
final class FilesystemCollector implements NodeCollector {

    private static final String[][] FAMILIES = {
        {"node_filesystem_size_bytes", "Filesystem size in bytes."},
        {"node_filesystem_free_bytes", "Filesystem free space in bytes."},
        {"node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes."},
        {"node_filesystem_files", "Filesystem total file nodes."},
        {"node_filesystem_files_free", "Filesystem total free file nodes."},
        {"node_filesystem_readonly", "Filesystem read-only status."},
        {"node_filesystem_device_error", "Whether an error occurred while getting statistics for the given device."},
    };

    private final NodeSettings settings;
    private final Path mounts;
    private final Path fallback;
    private final ProcReader reader = new ProcReader();
    private final Set<Labels> seen = new HashSet<>();
    private final StatFs statfs = StatFs.create();

    FilesystemCollector(NodeSettings settings) {
        this.settings = settings;
        this.mounts = settings.procfs().resolve("1/mounts");
        this.fallback = settings.procfs().resolve("mounts");
    }

    @Override
    public String name() {
        return "filesystem";
    }

    @Override
    public void collect(FamilyBuffer out) throws IOException {
        if (!reader.tryRead(mounts)) {
            reader.read(fallback);
        }
        for (String[] f : FAMILIES) {
            out.family(f[0], MetricType.GAUGE, f[1]);
        }
        seen.clear();
        while (reader.nextLine()) {
            if (!reader.nextToken()) {
                continue;
            }
            String device = reader.token();
            if (!reader.nextToken()) {
                throw new IOException(mounts + ": malformed line \"" + reader.line() + "\"");
            }
            String mountPoint = unescape(reader.token());
            if (!reader.nextToken()) {
                throw new IOException(mounts + ": malformed line \"" + reader.line() + "\"");
            }
            String fsType = reader.token();
            String options = reader.nextToken() ? reader.token() : "";
            if (settings.filesystemMountPointsExclude() != null && settings.filesystemMountPointsExclude().matcher(mountPoint).find()
                    || settings.filesystemFsTypesExclude() != null && settings.filesystemFsTypesExclude().matcher(fsType).find()) {
                continue;
            }
            Labels labels = Labels.of("device", device, "fstype", fsType, "mountpoint", mountPoint);
            if (!seen.add(labels)) {
                continue;
            }
            boolean readOnly = (',' + options + ',').contains(",ro,");
            StatFs.Result stat = statfs.stat(settings.root(mountPoint));
            if (stat == null) {
                sample(out, 6, labels, 1);
                continue;
            }
            sample(out, 0, labels, stat.size());
            sample(out, 1, labels, stat.free());
            sample(out, 2, labels, stat.available());
            if (stat.files() >= 0) {
                sample(out, 3, labels, stat.files());
                sample(out, 4, labels, stat.filesFree());
            }
            sample(out, 5, labels, readOnly ? 1 : 0);
            sample(out, 6, labels, 0);
        }
    }

    private static void sample(FamilyBuffer out, int family, Labels labels, double value) {
        out.family(FAMILIES[family][0], MetricType.GAUGE, "");
        out.sample(FAMILIES[family][0], labels, value);
    }

    /** Mount points escape space, tab, newline and backslash as octal ({@code \040}). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()
                    && isOctal(s.charAt(i + 1)) && isOctal(s.charAt(i + 2)) && isOctal(s.charAt(i + 3))) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }

    /** File system statistics of one mount point. */
    interface StatFs {

        /** Sizes in bytes; {@code files} is -1 when inode counts are not available. */
        record Result(double size, double free, double available, double files, double filesFree) {
        }

        /** The statistics, or null when they cannot be read. */
        Result stat(Path mountPoint);

        /** statvfs through JNA where it works, else the JDK's {@code FileStore} without inode counts. */
        static StatFs create() {
            StatFs nativeStatFs = NativeStatFs.load();
            if (nativeStatFs != null) {
                return nativeStatFs;
            }
            return mountPoint -> {
                try {
                    FileStore store = Files.getFileStore(mountPoint);
                    return new Result(store.getTotalSpace(), store.getUnallocatedSpace(), store.getUsableSpace(), -1, -1);
                } catch (IOException | RuntimeException e) {
                    return null;
                }
            };
        }
    }
}
