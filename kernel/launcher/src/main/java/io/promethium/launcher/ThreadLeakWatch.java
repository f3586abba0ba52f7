package io.promethium.launcher;

import io.promethium.launcher.spi.LeakedThread;
import io.promethium.launcher.spi.PluginThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Contains the threads a stopped bundle leaves running. It listens to every bundle of the
 * framework (on the system bundle's context), so every stop is seen whoever caused it: the plugin
 * folder's removals and updates, the admin API's stop, uninstall and update, a core bundle's
 * replacement. When a bundle has stopped, the live threads that are its own are noted; after a
 * grace period those still alive are interrupted; after a second one those still alive are
 * reported (a warning naming the plugin, each thread and where it is) and listed by
 * {@link #leaked()} until they end. Nothing stops them: Java has no way to (Thread.stop is gone).
 *
 * <p>A thread is a bundle's when its class, its context class loader, or the class of its
 * outermost frame outside the JDK (the code it was started to run: a {@code Runnable}, a pool's
 * task) was loaded by the bundle's class loader. A thread started elsewhere that is only calling
 * into the bundle (a kernel thread in a plugin call) is not: the plugin trackers bound those calls,
 * and interrupting it would hurt the kernel. Threads are classified when the stop happens, while
 * the bundle's class loader can still be asked, and only those alive then are considered, so the
 * threads of the version that replaces it (same class names) are never taken for leaks.
 *
 * <p>Not seen: virtual threads (not listed by {@link Thread#getAllStackTraces()}), and an idle
 * pool worker made by a default thread factory whose stack is all JDK frames and whose context
 * class loader is not the bundle's (nothing on it names the bundle).
 */
final class ThreadLeakWatch implements SynchronousBundleListener, PluginThreads, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ThreadLeakWatch.class.getName());

    /** How long a stopped bundle's threads get to end before they are interrupted, and again after. */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    /** The bundle a thread was left by. */
    private record Owner(String plugin, String version, long bundleId, Instant stoppedAt) {
    }

    /** One bundle's stop and the threads that were its own then. */
    private record Stop(Owner owner, List<Thread> threads) {
        List<Thread> alive() {
            return threads.stream().filter(Thread::isAlive).toList();
        }
    }

    private final BundleContext context;
    private final Duration grace;
    private final ScheduledExecutorService timer;
    /** Reported threads, until they end. */
    private final Map<Thread, Owner> leaked = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param context the system bundle's context: its listener sees every bundle
     * @param grace how long stopped bundles' threads get before they are interrupted, and again
     *              before those left are reported
     */
    ThreadLeakWatch(BundleContext context, Duration grace) {
        this.context = Objects.requireNonNull(context, "context is null");
        this.grace = Objects.requireNonNull(grace, "grace is null");
        if (grace.isNegative() || grace.isZero()) {
            throw new IllegalArgumentException("grace must be positive: " + grace);
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "plugin-thread-watch");
            t.setDaemon(true);
            return t;
        });
        context.addBundleListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        if (event.getType() != BundleEvent.STOPPED || closed || bundle.getBundleId() == 0 || frameworkStopping()) {
            return;
        }
        // Still resolved: its wiring and class loader can be asked (an uninstall stops the bundle first).
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        ClassLoader loader = wiring == null ? null : wiring.getClassLoader();
        if (loader == null) {
            return;
        }
        List<Thread> own = threadsOf(loader);
        if (own.isEmpty()) {
            return;
        }
        Stop stop = new Stop(new Owner(String.valueOf(bundle.getSymbolicName()), bundle.getVersion().toString(), bundle.getBundleId(),
                Instant.now()), own);
        schedule(() -> interrupt(stop));
    }

    /** Whether the whole framework is stopping: its bundles' stops are the server's shutdown, not leaks to chase. */
    private boolean frameworkStopping() {
        Bundle system = context.getBundle(0);
        return system == null || system.getState() == Bundle.STOPPING;
    }

    /** The live threads that are the loader's bundle's, other than this one and those reported already. */
    private List<Thread> threadsOf(ClassLoader loader) {
        Thread self = Thread.currentThread();
        Map<String, Boolean> local = new HashMap<>();
        List<Thread> own = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
            Thread thread = entry.getKey();
            if (thread == self || !thread.isAlive() || leaked.containsKey(thread)) {
                continue;
            }
            if (thread.getClass().getClassLoader() == loader || thread.getContextClassLoader() == loader
                    || startedIn(entry.getValue(), loader, local)) {
                own.add(thread);
            }
        }
        return own;
    }

    /**
     * Whether the outermost frame outside the JDK (whose classes are in named modules) is of a
     * class the loader defined itself; a class it imports from another bundle is not its own.
     * Names are resolved through the loader (a frame names its class, not the class itself).
     */
    private static boolean startedIn(StackTraceElement[] stack, ClassLoader loader, Map<String, Boolean> local) {
        for (int i = stack.length - 1; i >= 0; i--) {
            StackTraceElement frame = stack[i];
            // A hidden class (a lambda's proxy, named Host$$Lambda/0x...) cannot be looked up by name: its host's frame follows.
            if (frame.getModuleName() != null || frame.getClassName().indexOf('/') >= 0) {
                continue;
            }
            return local.computeIfAbsent(frame.getClassName(), name -> {
                try {
                    return Class.forName(name, false, loader).getClassLoader() == loader;
                } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                    return false;
                }
            });
        }
        return false;
    }

    private void interrupt(Stop stop) {
        List<Thread> alive = stop.alive();
        if (alive.isEmpty()) {
            return;
        }
        LOG.info("Plugin " + stop.owner().plugin() + " " + stop.owner().version() + " stopped " + graceText()
                + " ago; interrupting " + alive.size() + " of its threads still running: " + names(alive));
        alive.forEach(Thread::interrupt);
        schedule(() -> report(stop));
    }

    private void report(Stop stop) {
        List<Thread> alive = stop.alive();
        if (alive.isEmpty()) {
            LOG.info("Plugin " + stop.owner().plugin() + " " + stop.owner().version() + ": its threads ended when interrupted");
            return;
        }
        alive.forEach(t -> leaked.put(t, stop.owner()));
        LOG.warning("Plugin " + stop.owner().plugin() + " " + stop.owner().version() + " (bundle " + stop.owner().bundleId()
                + ") left " + alive.size() + " thread(s) running after it stopped, which ignored an interrupt; they keep running and keep "
                + "its classes in memory: " + alive.stream().map(t -> "\"" + t.getName() + "\" at " + topFrame(t))
                .collect(Collectors.joining(", ")));
    }

    private void schedule(Runnable task) {
        try {
            timer.schedule(task, grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile: the server is stopping
        }
    }

    private static String names(List<Thread> threads) {
        return threads.stream().map(t -> "\"" + t.getName() + "\"").collect(Collectors.joining(", "));
    }

    /** The thread's top frame and, when that is the JDK's, the innermost frame of other code (the plugin's, mostly). */
    private static String topFrame(Thread thread) {
        StackTraceElement[] stack = thread.getStackTrace();
        if (stack.length == 0) {
            return "";
        }
        if (stack[0].getModuleName() == null) {
            return stack[0].toString();
        }
        for (StackTraceElement frame : stack) {
            if (frame.getModuleName() == null && frame.getClassName().indexOf('/') < 0) {
                return stack[0] + " in " + frame;
            }
        }
        return stack[0].toString();
    }

    private String graceText() {
        return grace.toMillis() % 1000 == 0 ? grace.toSeconds() + " s" : grace.toMillis() + " ms";
    }

    @Override
    public List<LeakedThread> leaked() {
        List<LeakedThread> result = new ArrayList<>();
        for (Map.Entry<Thread, Owner> entry : leaked.entrySet()) {
            Thread thread = entry.getKey();
            if (!thread.isAlive()) {
                leaked.remove(thread);
                continue;
            }
            Owner owner = entry.getValue();
            result.add(new LeakedThread(owner.plugin(), owner.version(), owner.bundleId(), thread.getName(), topFrame(thread),
                    owner.stoppedAt()));
        }
        result.sort(Comparator.comparing(LeakedThread::plugin).thenComparing(LeakedThread::name));
        return List.copyOf(result);
    }

    @Override
    public void close() {
        closed = true;
        try {
            context.removeBundleListener(this);
        } catch (IllegalStateException e) {
            // the framework stopped already
        }
        timer.shutdownNow();
    }
}
