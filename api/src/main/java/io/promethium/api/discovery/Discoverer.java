package io.promethium.api.discovery;

import java.util.List;
import java.util.function.Consumer;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Finds targets and reports them as they change. Started once, closed once.
 */
@ConsumerType
public interface Discoverer extends AutoCloseable {

    /**
     * Starts watching. The discoverer calls {@code updates} from its own thread with the groups
     * that changed (at least once, with the initial state, even if empty); a group is replaced as
     * a whole by a later group with the same source. Must return promptly.
     */
    void start(Consumer<List<TargetGroup>> updates);

    /** Stops watching and releases resources; no update is sent after it returns. */
    @Override
    void close();
}
