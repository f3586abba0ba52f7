package io.promethium.launcher;

import io.promethium.launcher.spi.LeakedThread;
import io.promethium.launcher.spi.PluginThreads;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
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
 * <p>Virtual threads are not listed by {@link Thread#getAllStackTraces()}. Right after the stop they
 * are listed from the JDK's thread containers ({@link VirtualThreadHandles}, when the JVM exports
 * {@code jdk.internal.vm} to the launcher, as the server's script does), each with its
 * {@link Thread#getStackTrace() stack}; without the export, from a JSON thread dump
 * ({@link ThreadDump}), with their stacks but not their {@link Thread} objects (and a JVM crash to
 * risk: JDK 25's dump can fail on a virtual thread mounting or unmounting meanwhile, JDK-8364343).
 * One is the bundle's by the same frame rule (its outermost frame outside the JDK: the
 * {@code Runnable} of {@code Thread.ofVirtual().start(...)}, the task of a virtual-thread-per-task
 * executor). Reached through the containers, it is interrupted and watched as a platform thread
 * is. Known from a dump only, it can neither be
 * interrupted nor watched: the second and third looks take a dump again and go by thread id (ids
 * are never reused), and the report says it was not interrupted. The list is taken on the
 * watch's thread right after a stop, once for all the bundles stopped since the last one (see
 * {@link #lookForVirtualThreads()}), at the later looks only for stops that had virtual threads,
 * and by {@link #leaked()} only while a virtual thread known from a dump is listed.
 *
 * <p>Not seen: an idle pool worker ({@code ThreadPoolExecutor}, {@code ScheduledThreadPoolExecutor},
 * {@code ForkJoinPool}) made by the JDK's default thread factory. Its stack is all JDK frames
 * (waiting in the queue's {@code take}), its class is {@code Thread}, and its context class
 * loader is that of the thread that first submitted to the pool (a framework thread, in an
 * activator). What ties it to the bundle, the pool's thread factory or its task, is reachable
 * only through private fields of {@code java.lang.Thread} and {@code ThreadPoolExecutor$Worker},
 * which would need {@code --add-opens java.base/...} for the launcher and would still name only
 * JDK classes for the default factory. A worker running a task of the bundle when the bundle
 * stops is seen (the task is its outermost non-JDK frame), as is one of a pool whose factory
 * sets the bundle's context class loader or whose threads are of a class of the bundle.
 */
final class ThreadLeakWatch implements SynchronousBundleListener, PluginThreads, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ThreadLeakWatch.class.getName());

    /** How long a stopped bundle's threads get to end before they are interrupted, and again after. */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    /** The bundle a thread was left by. */
    private record Owner(String plugin, String version, long bundleId, Instant stoppedAt) {
    }

    /**
     * One bundle's stop and the threads that were its own then: those with a {@link Thread} object,
     * and the ids of virtual ones known from a dump only.
     */
    private record Stop(Owner owner, List<Thread> threads, Set<Long> dumped) {
        List<Thread> alive() {
            return threads.stream().filter(Thread::isAlive).toList();
        }
    }

    /**
     * A bundle's stop whose virtual threads are still to be looked for: its loader, the names
     * that loader was asked for, its platform threads, and the first thread id newer than the stop.
     */
    private record Pending(Owner owner, ClassLoader loader, Map<String, Boolean> local, List<Thread> threads, long newer) {
    }

    /** A virtual thread known from a dump only, as last seen. */
    private record Seen(Owner owner, String name, String topFrame) {
    }

    private final BundleContext context;
    private final Duration grace;
    private final Function<Set<Long>, Map<Long, Thread>> virtualThreads;
    private final Supplier<List<ThreadDump.Dumped>> liveVirtual;
    private final ScheduledExecutorService timer;
    /** Reported threads, until they end. */
    private final Map<Thread, Owner> leaked = new ConcurrentHashMap<>();
    /** Reported virtual threads known from a dump only, by thread id, until a dump no longer lists them. */
    private final Map<Long, Seen> leakedDumped = new ConcurrentHashMap<>();
    /** Held while a report lists its threads and while {@link #leaked()} copies the lists: a report is seen whole or not at all. */
    private final Object listing = new Object();
    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    /** Whether the last thread dump failed: then a reported virtual thread stays listed as last seen. */
    private volatile boolean dumpFailed;

    /**
     * @param context the system bundle's context: its listener sees every bundle
     * @param grace how long stopped bundles' threads get before they are interrupted, and again
     *              before those left are reported
     */
    ThreadLeakWatch(BundleContext context, Duration grace) {
        this(context, grace, VirtualThreadHandles.find());
    }

    private ThreadLeakWatch(BundleContext context, Duration grace, java.util.Optional<VirtualThreadHandles> handles) {
        this(context, grace, handles.<Function<Set<Long>, Map<Long, Thread>>>map(h -> h).orElse(ids -> Map.of()),
                handles.<Supplier<List<ThreadDump.Dumped>>>map(h -> h::live).orElse(null));
    }

    /**
     * Virtual threads known from JSON thread dumps.
     *
     * @param virtualThreads the live virtual threads of the given ids that it can reach (none: they
     *                       are known from dumps only)
     */
    ThreadLeakWatch(BundleContext context, Duration grace, Function<Set<Long>, Map<Long, Thread>> virtualThreads) {
        this(context, grace, virtualThreads, null);
    }

    /**
     * @param liveVirtual every live virtual thread, listed without a thread dump; null to take dumps
     */
    private ThreadLeakWatch(BundleContext context, Duration grace, Function<Set<Long>, Map<Long, Thread>> virtualThreads,
                            Supplier<List<ThreadDump.Dumped>> liveVirtual) {
        this.virtualThreads = Objects.requireNonNull(virtualThreads, "virtualThreads is null");
        this.liveVirtual = liveVirtual;
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
        Map<String, Boolean> local = new HashMap<>();
        List<Thread> own = threadsOf(loader, local);
        // Thread ids come from a counter (the JDK's ThreadIdentifiers): a thread made after this one is newer than the stop.
        long newer = Thread.ofPlatform().unstarted(() -> { }).threadId();
        pending.add(new Pending(new Owner(String.valueOf(bundle.getSymbolicName()), bundle.getVersion().toString(), bundle.getBundleId(),
                Instant.now()), loader, local, own, newer));
        try {
            timer.execute(this::lookForVirtualThreads);
        } catch (RejectedExecutionException e) {
            // closed meanwhile: the server is stopping
        }
    }

    /**
     * The virtual threads of the bundles stopped since the last look, from one list for all of
     * them, on the watch's thread: a list costs about 25 µs per parked virtual thread (a dump 0.2 ms;
     * more while they run), which neither the
     * stopping thread nor each of the bundles a refresh stops together should pay. A bundle's
     * loader still finds the classes it defined once its wiring is disposed (Felix's loader looks
     * at the classes it loaded first), and a thread newer than the stop is left out, so the
     * version that replaced it is not taken for it.
     */
    private void lookForVirtualThreads() {
        List<Pending> stops = new ArrayList<>();
        for (Pending p; (p = pending.poll()) != null; ) {
            stops.add(p);
        }
        if (stops.isEmpty() || closed) {
            return;
        }
        long start = System.nanoTime();
        List<ThreadDump.Dumped> listed = listVirtual(platformIds());
        Set<Long> reported = new HashSet<>(leakedDumped.keySet());
        leaked.keySet().forEach(t -> reported.add(t.threadId()));
        for (Pending p : stops) {
            Set<Long> dumped = new HashSet<>();
            for (ThreadDump.Dumped thread : listed) {
                if (thread.tid() < p.newer() && !reported.contains(thread.tid())
                        && startedIn(thread.stack().stream().map(StackFrame::parse).toList(), p.loader(), p.local())) {
                    dumped.add(thread.tid());
                }
            }
            List<Thread> own = new ArrayList<>(p.threads());
            if (!dumped.isEmpty()) {
                Map<Long, Thread> reached = handles(dumped);
                own.addAll(reached.values());
                dumped.removeAll(reached.keySet());
            }
            if (!own.isEmpty() || !dumped.isEmpty()) {
                Stop stop = new Stop(p.owner(), own, dumped);
                schedule(() -> interrupt(stop));
            }
        }
        LOG.fine(() -> String.format(Locale.ROOT, "Looked for the virtual threads of %d stopped bundle(s) in %.1f ms (%d virtual threads listed)",
                stops.size(), (System.nanoTime() - start) / 1e6, listed.size()));
    }

    /** Whether the whole framework is stopping: its bundles' stops are the server's shutdown, not leaks to chase. */
    private boolean frameworkStopping() {
        Bundle system = context.getBundle(0);
        return system == null || system.getState() == Bundle.STOPPING;
    }

    /** The live platform threads that are the loader's bundle's, other than this one and those reported already. */
    private List<Thread> threadsOf(ClassLoader loader, Map<String, Boolean> local) {
        Thread self = Thread.currentThread();
        List<Thread> own = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
            Thread thread = entry.getKey();
            if (thread == self || !thread.isAlive() || leaked.containsKey(thread)) {
                continue;
            }
            if (thread.getClass().getClassLoader() == loader || thread.getContextClassLoader() == loader
                    || startedIn(Arrays.stream(entry.getValue()).map(StackFrame::of).toList(), loader, local)) {
                own.add(thread);
            }
        }
        return own;
    }

    /**
     * The live virtual threads, from the thread containers where they can be walked, else by a
     * dump; none when neither works (a WARN for the first of consecutive failures).
     */
    private List<ThreadDump.Dumped> listVirtual(Set<Long> platform) {
        try {
            List<ThreadDump.Dumped> threads = liveVirtual != null ? liveVirtual.get() : ThreadDump.virtualThreads(platform);
            dumpFailed = false;
            return threads;
        } catch (IOException | RuntimeException e) {
            LOG.log(dumpFailed ? Level.FINE : Level.WARNING, "Cannot list the virtual threads to look for those stopped plugins leave running", e);
            dumpFailed = true;
            return List.of();
        }
    }

    /** The virtual threads of those ids that can be reached, by id; none when the lookup fails. */
    private Map<Long, Thread> handles(Set<Long> ids) {
        try {
            return virtualThreads.apply(ids);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Cannot reach virtual threads by id; they are known from thread dumps only", e);
            return Map.of();
        }
    }

    /** The virtual threads of the ids that a dump lists now, by id. */
    private Map<Long, ThreadDump.Dumped> aliveDumped(Set<Long> ids) {
        Map<Long, ThreadDump.Dumped> alive = new HashMap<>();
        if (ids.isEmpty()) {
            return alive;
        }
        for (ThreadDump.Dumped thread : listVirtual(platformIds())) {
            if (ids.contains(thread.tid())) {
                alive.put(thread.tid(), thread);
            }
        }
        return alive;
    }

    private static Set<Long> platformIds() {
        Set<Long> ids = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            ids.add(thread.threadId());
        }
        return ids;
    }

    /**
     * Whether the outermost frame outside the JDK (whose classes are in named modules) is of a
     * class the loader defined itself; a class it imports from another bundle is not its own.
     * Names are resolved through the loader (a frame names its class, not the class itself).
     */
    private static boolean startedIn(List<StackFrame> stack, ClassLoader loader, Map<String, Boolean> local) {
        for (int i = stack.size() - 1; i >= 0; i--) {
            StackFrame frame = stack.get(i);
            // A hidden class (a lambda's proxy, named Host$$Lambda/0x...) cannot be looked up by name: its host's frame follows.
            if (frame.jdk() || !frame.named()) {
                continue;
            }
            return local.computeIfAbsent(frame.className(), name -> {
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
        Map<Long, ThreadDump.Dumped> aliveDumped = aliveDumped(stop.dumped());
        if (alive.isEmpty() && aliveDumped.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("Plugin " + stop.owner().plugin() + " " + stop.owner().version() + " stopped "
                + graceText() + " ago");
        if (!alive.isEmpty()) {
            message.append("; interrupting ").append(alive.size()).append(" of its threads still running: ").append(names(alive));
        }
        if (!aliveDumped.isEmpty()) {
            message.append("; ").append(aliveDumped.size()).append(" of its virtual threads still running, which cannot be interrupted "
                    + "(a thread dump lists them but gives no handle on them): ").append(dumpedNames(aliveDumped.values()));
        }
        LOG.info(message.toString());
        alive.forEach(Thread::interrupt);
        schedule(() -> report(new Stop(stop.owner(), stop.threads(), aliveDumped.keySet())));
    }

    private void report(Stop stop) {
        List<Thread> alive = stop.alive();
        Map<Long, ThreadDump.Dumped> aliveDumped = aliveDumped(stop.dumped());
        if (alive.isEmpty() && aliveDumped.isEmpty()) {
            LOG.info("Plugin " + stop.owner().plugin() + " " + stop.owner().version() + ": its threads ended");
            return;
        }
        List<String> described = new ArrayList<>();
        alive.forEach(t -> described.add("\"" + t.getName() + "\" at " + topFrame(t)));
        aliveDumped.values().forEach(t -> described.add("\"" + t.name() + "\" (virtual, not interrupted: known from a thread dump "
                + "only) at " + topFrame(t.stack())));
        LOG.warning("Plugin " + stop.owner().plugin() + " " + stop.owner().version() + " (bundle " + stop.owner().bundleId()
                + ") left " + described.size() + " thread(s) running after it stopped, which "
                + (aliveDumped.isEmpty() ? "ignored an interrupt" : alive.isEmpty() ? "could not be interrupted" : "ignored an interrupt or could not be interrupted")
                + "; they keep running and keep its classes in memory: " + String.join(", ", described));
        // Listed after the warning: whoever sees them listed finds the log line written.
        synchronized (listing) {
            alive.forEach(t -> leaked.put(t, stop.owner()));
            aliveDumped.values().forEach(t -> leakedDumped.put(t.tid(), new Seen(stop.owner(), t.name(), topFrame(t.stack()))));
        }
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

    private static String dumpedNames(java.util.Collection<ThreadDump.Dumped> threads) {
        return threads.stream().map(t -> "\"" + t.name() + "\"").collect(Collectors.joining(", "));
    }

    private static String topFrame(Thread thread) {
        return topFrame(Arrays.stream(thread.getStackTrace()).map(StackTraceElement::toString).toList());
    }

    /** The top frame and, when that is the JDK's, the innermost frame of other code (the plugin's, mostly). */
    private static String topFrame(List<String> stack) {
        if (stack.isEmpty()) {
            return "";
        }
        if (!StackFrame.parse(stack.get(0)).jdk()) {
            return stack.get(0);
        }
        for (String text : stack) {
            StackFrame frame = StackFrame.parse(text);
            if (!frame.jdk() && frame.named()) {
                return stack.get(0) + " in " + text;
            }
        }
        return stack.get(0);
    }

    private String graceText() {
        return grace.toMillis() % 1000 == 0 ? grace.toSeconds() + " s" : grace.toMillis() + " ms";
    }

    @Override
    public List<LeakedThread> leaked() {
        Map<Thread, Owner> listed;
        Map<Long, Seen> listedDumped;
        synchronized (listing) {
            listed = Map.copyOf(leaked);
            listedDumped = Map.copyOf(leakedDumped);
        }
        List<LeakedThread> result = new ArrayList<>();
        for (Map.Entry<Thread, Owner> entry : listed.entrySet()) {
            Thread thread = entry.getKey();
            if (!thread.isAlive()) {
                leaked.remove(thread);
                continue;
            }
            Owner owner = entry.getValue();
            result.add(new LeakedThread(owner.plugin(), owner.version(), owner.bundleId(), thread.getName(), topFrame(thread),
                    owner.stoppedAt()));
        }
        if (!listedDumped.isEmpty()) {
            Map<Long, ThreadDump.Dumped> alive = aliveDumped(listedDumped.keySet());
            for (Map.Entry<Long, Seen> entry : listedDumped.entrySet()) {
                ThreadDump.Dumped now = alive.get(entry.getKey());
                if (now == null && !dumpFailed) {
                    leakedDumped.remove(entry.getKey());
                    continue;
                }
                Seen seen = now == null ? entry.getValue() : new Seen(entry.getValue().owner(), now.name(), topFrame(now.stack()));
                Owner owner = seen.owner();
                result.add(new LeakedThread(owner.plugin(), owner.version(), owner.bundleId(), seen.name(), seen.topFrame(), owner.stoppedAt()));
            }
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
