import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the bench programs measure from outside a process, shared by them: CPU time (of a process,
 * its reaped children, each of its threads), peak and current RSS, threads and open file descriptors from Linux's /proc, the load average printed beside every figure, disk sizes, a free loopback
 * port. Not a program of its own: the bench programs are multi-file source programs (Java 22+),
 * so {@code java distribution/bench/SideBySide.java} compiles this file with them.
 */
final class Proc {
    /** USER_HZ on Linux: the unit of the CPU times in /proc/PID/stat. */
    static final double CLOCK_TICKS = 100;

    private Proc() {
    }

    /** CPU seconds (user + system) process {@code pid} has used so far. */
    static double cpuSeconds(long pid) throws IOException {
        String[] f = statFields(pid);
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS; // utime, stime
    }

    /** CPU seconds of this process's finished (reaped) children. */
    static double childrenCpuSeconds() throws IOException {
        String[] f = statFields(ProcessHandle.current().pid());
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / CLOCK_TICKS; // cutime, cstime
    }

    /** CPU ticks of each thread of a process, keyed by "name#tid" (threads that ended meanwhile are missing). */
    static Map<String, Long> threadTicks(long pid) throws IOException {
        Map<String, Long> ticks = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(name + "#" + t.getFileName(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
                } catch (IOException e) {
                    // the thread ended
                }
            }
        }
        return ticks;
    }

    /**
     * The CPU ticks each group of threads used between two {@link #threadTicks} readings, busiest
     * first; a group is a thread name with its digits as N (a pool's workers together).
     */
    static Map<String, Long> threadGroupTicks(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> groups = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d > 0) {
                groups.merge(e.getKey().substring(0, e.getKey().lastIndexOf('#')).replaceAll("[0-9]+", "N"), d, Long::sum);
            }
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        groups.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** The fields of /proc/PID/stat after the command name (which may hold spaces): state first. */
    private static String[] statFields(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** What a process has read from the disk: bytes (-1 without I/O accounting) and major page faults. */
    record DiskReads(long bytes, long majorFaults) {
        DiskReads minus(DiskReads earlier) {
            return new DiskReads(bytes < 0 || earlier.bytes < 0 ? -1 : bytes - earlier.bytes, majorFaults - earlier.majorFaults);
        }

        DiskReads plus(DiskReads other) {
            return new DiskReads(bytes < 0 || other.bytes < 0 ? -1 : bytes + other.bytes, majorFaults + other.majorFaults);
        }
    }

    /**
     * Process {@code pid}'s reads from the disk so far: {@code read_bytes} of /proc/PID/io (the
     * pages it brought in from the disk, by {@code read} or by a fault) and its major faults.
     */
    static DiskReads diskReads(long pid) throws IOException {
        return new DiskReads(lineNumber(Path.of("/proc/" + pid + "/io"), "read_bytes:"), Long.parseLong(statFields(pid)[9])); // majflt
    }

    /** Process {@code pid}'s peak resident set size (VmHWM) in bytes, or -1 when /proc does not say. */
    static long peakRssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    /**
     * Resets process {@code pid}'s peak resident set size (VmHWM) to its RSS now (Linux's
     * {@code clear_refs} value 5), so a later {@link #peakRssBytes} is the peak of what came after.
     */
    static void resetPeakRss(long pid) throws IOException {
        Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5\n");
    }

    /** Process {@code pid}'s resident set size now (VmRSS) in bytes, or -1 when /proc does not say. */
    static long rssBytes(long pid) throws IOException {
        long kb = statusKilobytes(pid, "VmRSS:");
        return kb < 0 ? -1 : kb * 1024;
    }

    /** Process {@code pid}'s threads now (the Threads: line of /proc/PID/status), or -1 when /proc does not say. */
    static long threads(long pid) throws IOException {
        return statusKilobytes(pid, "Threads:");
    }

    /** The file descriptors process {@code pid} holds open now (entries of /proc/PID/fd). */
    static long openFds(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        }
    }

    /** The number on a line of /proc/PID/status (kB for sizes), or -1 without that line. */
    private static long statusKilobytes(long pid, String key) throws IOException {
        return lineNumber(Path.of("/proc/" + pid + "/status"), key);
    }

    /** The number on the line of a /proc file that starts with {@code key}, or -1 without that line. */
    private static long lineNumber(Path file, String key) throws IOException {
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** The machine's load average over 1, 5 and 15 minutes: figures mean little without it. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    /** The machine's available memory (MemAvailable): what a server may still grow into without swapping. */
    static long machineAvailableBytes() throws IOException {
        return meminfo("MemAvailable:");
    }

    /** The machine's memory (MemTotal of /proc/meminfo). */
    static long machineTotalBytes() throws IOException {
        return meminfo("MemTotal:");
    }

    private static long meminfo(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no " + field + " in /proc/meminfo");
    }

    /** A file's size, or the total of a folder's files; -1 when there is nothing at {@code p}. */
    static long size(Path p) throws IOException {
        if (!Files.exists(p)) {
            return -1;
        }
        if (!Files.isDirectory(p)) {
            return Files.size(p);
        }
        try (Stream<Path> files = Files.walk(p)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    /** A port free on the loopback address now (the benchmarks listen on loopback only). */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Whether this process may drop the page cache (root, a writable /proc/sys/vm/drop_caches): tries it once. */
    static boolean canDropCaches() {
        try {
            dropCaches();
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Writes dirty pages out and drops the page cache, dentries and inodes: the next reads of a page
     * no process maps come from the disk (the kernel keeps mapped pages).
     */
    static void dropCaches() throws IOException, InterruptedException {
        new ProcessBuilder("sync").start().waitFor();
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3\n");
    }
}
