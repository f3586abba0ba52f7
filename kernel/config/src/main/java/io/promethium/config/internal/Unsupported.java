package io.promethium.config.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.config.yaml.YamlNode;

/**
 * Fields Prometheus accepts that Promethium does not act on (yet): refused with an error naming
 * the field, so a config never runs differently from how it reads. A field whose written value is
 * what Promethium does anyway (its default) is accepted.
 */
final class Unsupported {

    static final String CLOUD_AUTH = "cloud provider authentication (sigv4, azuread, google_iam) is not supported yet";

    private Unsupported() {
    }

    /** Refuses {@code key} when it is written with any non-null value; marks it read. */
    static void refuse(Fields f, String key, String why) throws ConfigException {
        YamlNode node = f.node(key);
        // Written as nothing ("runtime:") it is Go's zero value: the defaults, nothing to refuse.
        if (node != null && !Fields.isPlainEmpty(node)) {
            throw Fields.error(f.keyLocation(key), f.context() + ": " + key + ": " + why);
        }
    }

    /** Refuses {@code key} unless it is absent or written as one of {@code accepted} (case-sensitive); marks it read. */
    static void refuseUnless(Fields f, String key, String why, String... accepted) throws ConfigException {
        YamlNode node = f.node(key);
        if (node == null) {
            return;
        }
        if (node instanceof YamlNode.Scalar s) {
            for (String value : accepted) {
                if (value.equals(s.text())) {
                    return;
                }
            }
            throw Fields.error(f.keyLocation(key), f.context() + ": " + key + ": \"" + s.text() + "\": " + why);
        }
        throw Fields.error(f.keyLocation(key), f.context() + ": " + key + ": " + why);
    }
}
