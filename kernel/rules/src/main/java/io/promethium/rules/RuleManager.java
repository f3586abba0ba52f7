package io.promethium.rules;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The running rules, for the HTTP API. Thread-safe; each call returns a fresh snapshot.
 */
@ProviderType
public interface RuleManager {

    /** The loaded groups in rule-file order (files as listed, groups as written). */
    List<RuleGroupStatus> groups();

    /** Every pending or firing alert of every alerting rule, in rule order. */
    List<ActiveAlert> alerts();
}
