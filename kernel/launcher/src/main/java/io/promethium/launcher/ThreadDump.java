package io.promethium.launcher;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JVM's threads from a JSON thread dump ({@link HotSpotDiagnosticMXBean#dumpThreads}), the one
 * public view that includes virtual threads: {@link Thread#getAllStackTraces()} lists platform
 * threads only. The dump lists thread containers (the root, which holds every platform thread
 * and, by default ({@code jdk.trackAllThreads}), every virtual thread started directly; then
 * each executor or scope that started threads of its own), each with its threads: {@code tid}
 * (a string), {@code name}, {@code stack} (one {@link StackTraceElement#toString()} per frame,
 * innermost first) and, from JDK 25, {@code "virtual": true} on virtual threads. It gives no
 * {@link Thread} objects: a dumped thread can be recognised again (thread ids are never reused)
 * but not interrupted.
 *
 * <p>The JDK writes the dump to a file only (an absolute path that must not exist); it is made in
 * a fresh temporary folder and deleted once read.
 */
final class ThreadDump {

    /**
     * A thread of the dump.
     *
     * @param tid its {@link Thread#threadId()}
     * @param stack its frames, innermost first
     */
    record Dumped(long tid, String name, boolean virtual, List<String> stack) {
    }

    private ThreadDump() {
    }

    /**
     * The virtual threads alive now. Before JDK 25 the dump does not mark them: there a thread
     * that is not one of {@code platform} (ids of the platform threads, as listed just before) is
     * taken for one.
     *
     * @throws IOException when the dump cannot be written or read
     * @throws UnsupportedOperationException when the JVM does not dump threads
     */
    static List<Dumped> virtualThreads(Set<Long> platform) throws IOException {
        List<Dumped> virtual = new ArrayList<>();
        for (Dumped thread : take()) {
            if (thread.virtual() || !platform.contains(thread.tid())) {
                virtual.add(thread);
            }
        }
        return virtual;
    }

    /** Every thread the JVM dumps now. */
    static List<Dumped> take() throws IOException {
        HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        Path dir = Files.createTempDirectory("promethium-threads");
        Path file = dir.resolve("threads.json");
        try {
            bean.dumpThreads(file.toString(), ThreadDumpFormat.JSON);
            return parse(Files.readString(file));
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    /** The threads of a JSON thread dump, container by container. */
    static List<Dumped> parse(String json) {
        List<Dumped> threads = new ArrayList<>();
        Object dump = member(MiniJson.parse(json), "threadDump");
        for (Object container : list(member(dump, "threadContainers"))) {
            for (Object thread : list(member(container, "threads"))) {
                List<String> stack = new ArrayList<>();
                for (Object frame : list(member(thread, "stack"))) {
                    stack.add(String.valueOf(frame));
                }
                Object tid = member(thread, "tid");
                if (tid == null) {
                    throw new IllegalArgumentException("thread dump: a thread without tid");
                }
                threads.add(new Dumped(Long.parseLong(tid.toString()), String.valueOf(member(thread, "name")),
                        Boolean.TRUE.equals(member(thread, "virtual")), List.copyOf(stack)));
            }
        }
        return threads;
    }

    private static Object member(Object object, String name) {
        if (!(object instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("thread dump: an object with \"" + name + "\" expected, got " + object);
        }
        return map.get(name);
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }
}
