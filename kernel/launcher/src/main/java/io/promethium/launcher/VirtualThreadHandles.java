package io.promethium.launcher;

import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The {@link Thread} objects of live virtual threads, by id, from the JDK's thread containers (the
 * tree a thread dump is written from: the root holds the virtual threads started directly, each
 * executor or scope its own). No public API lists virtual threads; these classes are internal
 * ({@code jdk.internal.vm}), so this works only when the JVM exports that package to the
 * launcher ({@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}); without it, or if a
 * JDK changes them, {@link #find()} is empty and virtual threads are known from dumps only.
 * With it, {@link #live()} lists them without a dump: JDK 25's JSON thread dump can crash the JVM
 * when a virtual thread mounts or unmounts while it is taken (JDK-8364343), where
 * {@link Thread#getStackTrace()} of each listed thread holds the thread still while it is read.
 */
final class VirtualThreadHandles implements Function<Set<Long>, Map<Long, Thread>> {

    private final Method root;
    private final Method threads;
    private final Method children;

    private VirtualThreadHandles(Method root, Method threads, Method children) {
        this.root = root;
        this.threads = threads;
        this.children = children;
    }

    /** The lookup, when the JVM lets the launcher use the thread containers. */
    static Optional<VirtualThreadHandles> find() {
        try {
            Class<?> containers = Class.forName("jdk.internal.vm.ThreadContainers");
            if (!containers.getModule().isExported(containers.getPackageName(), VirtualThreadHandles.class.getModule())) {
                return Optional.empty();
            }
            Class<?> container = Class.forName("jdk.internal.vm.ThreadContainer");
            VirtualThreadHandles handles = new VirtualThreadHandles(containers.getMethod("root"), container.getMethod("threads"),
                    container.getMethod("children"));
            handles.apply(Set.of(-1L)); // fails here, not at a bundle's stop, if the JDK's classes differ
            return Optional.of(handles);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    /** The live virtual threads of those ids that the containers hold. */
    @Override
    public Map<Long, Thread> apply(Set<Long> ids) {
        Map<Long, Thread> found = new HashMap<>();
        if (!ids.isEmpty()) {
            walk(thread -> {
                if (ids.contains(thread.threadId())) {
                    found.put(thread.threadId(), thread);
                }
                return found.size() < ids.size();
            });
        }
        return found;
    }

    /**
     * Every live virtual thread the containers hold, as a dump shows it ({@link ThreadDump}), with
     * its stack from {@link Thread#getStackTrace()}; one that ends meanwhile is left out.
     */
    List<ThreadDump.Dumped> live() {
        List<Thread> all = new ArrayList<>();
        walk(thread -> {
            all.add(thread);
            return true;
        });
        List<ThreadDump.Dumped> out = new ArrayList<>(all.size());
        for (Thread thread : all) {
            StackTraceElement[] stack = thread.getStackTrace();
            if (thread.isAlive()) {
                out.add(new ThreadDump.Dumped(thread.threadId(), thread.getName(), true,
                        java.util.Arrays.stream(stack).map(StackTraceElement::toString).toList()));
            }
        }
        return out;
    }

    /** Offers each virtual thread of the containers until {@code more} answers false. */
    private void walk(Predicate<Thread> more) {
        try {
            Deque<Object> todo = new ArrayDeque<>();
            todo.push(root.invoke(null));
            boolean going = true;
            while (!todo.isEmpty() && going) {
                Object container = todo.pop();
                try (Stream<?> stream = (Stream<?>) threads.invoke(container)) {
                    java.util.Iterator<?> it = stream.iterator();
                    while (going && it.hasNext()) {
                        if (it.next() instanceof Thread thread && thread.isVirtual()) {
                            going = more.test(thread);
                        }
                    }
                }
                try (Stream<?> stream = (Stream<?>) children.invoke(container)) {
                    stream.forEach(todo::push);
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot walk the JDK's thread containers", e);
        }
    }
}
