package io.promethium.discovery;

import io.promethium.api.discovery.TargetGroup;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/** Receives a consumer's discovered groups. Called from one thread per consumer, never concurrently. */
@ConsumerType
public interface TargetSetListener {

    /**
     * The current groups of every target set of the consumer (a set whose discoverers found
     * nothing maps to an empty list). Group sources are unique within a set. Replaces every
     * earlier update.
     */
    void update(Map<String, List<TargetGroup>> groupsBySet);
}
