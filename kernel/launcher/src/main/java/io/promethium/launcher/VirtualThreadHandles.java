package io.promethium.launcher;

import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The {@link Thread} objects of live virtual threads, by id, from the JDK's thread containers (the
 * tree a thread dump is written from: the root holds the virtual threads started directly, each
 * executor or scope its own). No public API lists virtual threads; these classes are internal
 * ({@code jdk.internal.vm}), so this works only when the JVM exports that package to the
 * launcher ({@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}); without it, or if a
 * JDK changes them, {@link #find()} is empty and virtual threads are known from dumps only.
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
    static Optional<Function<Set<Long>, Map<Long, Thread>>> find() {
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
        if (ids.isEmpty()) {
            return found;
        }
        try {
            Deque<Object> todo = new ArrayDeque<>();
            todo.push(root.invoke(null));
            while (!todo.isEmpty() && found.size() < ids.size()) {
                Object container = todo.pop();
                try (Stream<?> stream = (Stream<?>) threads.invoke(container)) {
                    stream.forEach(t -> {
                        if (t instanceof Thread thread && thread.isVirtual() && ids.contains(thread.threadId())) {
                            found.put(thread.threadId(), thread);
                        }
                    });
                }
                try (Stream<?> stream = (Stream<?>) children.invoke(container)) {
                    stream.forEach(todo::push);
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot walk the JDK's thread containers", e);
        }
        return found;
    }
}
