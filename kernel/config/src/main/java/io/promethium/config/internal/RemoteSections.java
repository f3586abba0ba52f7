package io.promethium.config.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.config.yaml.YamlNode;
import java.util.HashSet;
import java.util.Set;

/**
 * Prometheus's rules for the {@code remote_write:} and {@code remote_read:} lists, checked on the
 * YAML whoever reads the entries afterwards (the kernel or a remote storage plugin): no empty
 * entry, a {@code url} in each, unique non-empty {@code name}s, no reserved or {@code Authorization}
 * header, and the cloud authentications Promethium does not have refused by name.
 */
final class RemoteSections {

    private RemoteSections() {
    }

    /** Checks the list under {@code key} ({@code remote_write} or {@code remote_read}) of the top level. */
    static void check(Fields top, String key) throws ConfigException {
        YamlNode node = top.peek(key);
        if (!(node instanceof YamlNode.Sequence seq)) {
            return; // absent, null, or not a list: the section's reader reports the shape
        }
        String what = key.equals("remote_write") ? "remote write" : "remote read";
        Set<String> names = new HashSet<>();
        for (int i = 0; i < seq.items().size(); i++) {
            YamlNode item = seq.items().get(i);
            String ctx = key + "[" + i + "]";
            if (Fields.isEmptyEntry(item)) {
                throw Fields.error(item.location(), ctx + ": empty or null " + what + " config section");
            }
            if (!(item instanceof YamlNode.Mapping entry)) {
                continue;
            }
            YamlNode url = entry.get("url");
            if (url == null || url instanceof YamlNode.Scalar u && (u.isNull() || u.text().isEmpty())) {
                throw Fields.error(entry.location(), ctx + ": url for " + key + " is empty");
            }
            if (entry.get("name") instanceof YamlNode.Scalar n && !n.isNull() && !n.text().isEmpty() && !names.add(n.text())) {
                throw Fields.error(entry.entries().get("name").keyLocation(), ctx + ": found multiple " + what
                        + " configs with job name \"" + n.text() + "\"");
            }
            if (entry.get("headers") instanceof YamlNode.Mapping headers) {
                for (YamlNode.Entry header : headers.entries().values()) {
                    String violation = HeaderRules.remoteViolation(header.key());
                    if (violation != null) {
                        throw Fields.error(header.keyLocation(), ctx + ": headers: " + violation);
                    }
                }
            }
            for (String auth : new String[] {"sigv4", "azuread", "google_iam"}) {
                YamlNode.Entry e = entry.entries().get(auth);
                if (e != null && !(e.value() instanceof YamlNode.Scalar s && s.isNull())) {
                    throw Fields.error(e.keyLocation(), ctx + ": " + auth + ": " + Unsupported.CLOUD_AUTH);
                }
            }
        }
    }
}
