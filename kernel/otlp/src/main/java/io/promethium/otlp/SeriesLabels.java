package io.promethium.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.promethium.api.model.Labels;
import io.promethium.api.model.Metadata;
import io.promethium.api.model.MetricType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Attributes to labels, as Prometheus's {@code createAttributes}: the current resource's
 * {@code job}, {@code instance} and promoted attributes, the current scope's labels
 * ({@code promote_scope_metadata}), a point's sanitized attributes, external labels and the
 * {@code type-and-unit-labels} feature's {@code __type__}/{@code __unit__}. Sanitized names are
 * cached per request; label name collisions are warned about once per name and request. Not
 * thread-safe: one per request.
 */
final class SeriesLabels {

    private final OtlpConfig config;
    private final Translator.Options options;
    private final Names.LabelRules labelRules;
    private final Map<String, String> labelNames = new LinkedHashMap<>();
    private final Set<String> collisions = new java.util.HashSet<>();
    private final List<Translator.Warning> warnings;

    // The current resource's and scope's labels.
    private String job;
    private String instance;
    private Map<String, String> promoted;
    private Map<String, String> scopeLabels;

    SeriesLabels(OtlpConfig config, Translator.Options options, List<Translator.Warning> warnings) {
        this.config = config;
        this.options = options;
        this.warnings = warnings;
        this.labelRules = new Names.LabelRules(!config.strategy().escape(), config.labelNameUnderscoreSanitization(),
                config.labelNamePreserveMultipleUnderscores());
    }

    /** The resource whose metrics follow: its {@code job}, {@code instance} and promoted attributes. */
    void resource(List<KeyValue> attributes) throws Names.InvalidName {
        Map<String, AnyValue> attrs = new LinkedHashMap<>();
        for (KeyValue kv : attributes) {
            attrs.put(kv.getKey(), kv.getValue());
        }
        job = null;
        instance = null;
        AnyValue name = attrs.get("service.name");
        if (name != null) {
            AnyValue ns = attrs.get("service.namespace");
            job = ns != null ? AttributeValues.asString(ns) + "/" + AttributeValues.asString(name) : AttributeValues.asString(name);
        }
        AnyValue id = attrs.get("service.instance.id");
        if (id != null) {
            instance = AttributeValues.asString(id);
        }
        promoted = new LinkedHashMap<>();
        for (Map.Entry<String, AnyValue> e : attrs.entrySet()) {
            boolean listed = config.promoteAll() ? config.ignore().contains(e.getKey()) : config.promote().contains(e.getKey());
            if (listed != config.promoteAll()) {
                putLabel(promoted, labelName(e.getKey()), AttributeValues.asString(e.getValue()));
            }
        }
    }

    /** The scope whose metrics follow: its labels with {@code promote_scope_metadata}. */
    void scope(ScopeMetrics sm) throws Names.InvalidName {
        scopeLabels = null;
        if (!config.promoteScopeMetadata() || sm.getScope().getName().isEmpty()) {
            return;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (KeyValue kv : sm.getScope().getAttributesList()) {
            putLabel(labels, labelName("otel_scope_" + kv.getKey()), AttributeValues.asString(kv.getValue()));
        }
        putLabel(labels, "otel_scope_name", sm.getScope().getName());
        putLabel(labels, "otel_scope_version", sm.getScope().getVersion());
        putLabel(labels, "otel_scope_schema_url", sm.getSchemaUrl());
        scopeLabels = labels;
    }

    private static void putLabel(Map<String, String> labels, String name, String value) {
        if (value.isEmpty()) {
            labels.remove(name);
        } else {
            labels.put(name, value);
        }
    }

    private String labelName(String key) throws Names.InvalidName {
        String cached = labelNames.get(key);
        if (cached == null) {
            cached = Names.labelName(key, labelRules);
            labelNames.put(key, cached);
        }
        return cached;
    }

    /** A point's series labels with its family's {@code name} (and its {@code metadata}'s type and unit labels). */
    Labels point(List<KeyValue> attributes, Metadata metadata, String name) throws Names.InvalidName {
        return withName(base(attributes, metadata), name);
    }

    /** A point's labels without its name: computed once for the several series of a histogram or summary point. */
    Labels base(List<KeyValue> attributes, Metadata metadata) throws Names.InvalidName {
        return labels(attributes, Set.of(Labels.METRIC_NAME), promoted, metadata, true);
    }

    /** {@code base} with a name and {@code extras} (name/value pairs: {@code le}, {@code quantile}). */
    static Labels withName(Labels base, String name, String... extras) {
        Labels.Builder b = base.toBuilder();
        for (int i = 0; i + 1 < extras.length; i += 2) {
            b.set(extras[i], extras[i + 1]);
        }
        return b.set(Labels.METRIC_NAME, name).build();
    }

    /** {@code target_info}'s labels: the resource's attributes but {@code ignore}, no promoted or scope labels. */
    Labels targetInfo(List<KeyValue> resource, Set<String> ignore) throws Names.InvalidName {
        return labels(resource, ignore, null, null, false, Labels.METRIC_NAME, Translator.TARGET_INFO);
    }

    /**
     * The series' labels, as Prometheus's {@code createAttributes}: the point's attributes sorted
     * by key and sanitized (keys that collide get their values joined with {@code ;}), promoted
     * resource attributes where not set, {@code job}/{@code instance}, external labels where not
     * set, scope labels ({@code withScope}), then {@code extras} (name/value pairs).
     */
    private Labels labels(List<KeyValue> attributes, Set<String> ignore, Map<String, String> promotedLabels, Metadata metadata,
                          boolean withScope, String... extras) throws Names.InvalidName {
        TreeMap<String, String> sorted = new TreeMap<>();
        for (KeyValue kv : attributes) {
            if (!ignore.contains(kv.getKey())) {
                sorted.put(kv.getKey(), AttributeValues.asString(kv.getValue()));
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            if (labelRules.utf8()) {
                putLabel(out, e.getKey(), e.getValue());
                continue;
            }
            String key = labelName(e.getKey());
            String existing = out.get(key);
            if (existing != null) {
                collision(sorted.keySet(), key, metadata == null && promotedLabels == null ? "resource" : "data point");
            }
            putLabel(out, key, existing != null ? existing + ";" + e.getValue() : e.getValue());
        }
        if (promotedLabels != null) {
            for (Map.Entry<String, String> e : promotedLabels.entrySet()) {
                out.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        if (job != null && !job.isEmpty()) {
            out.put("job", job);
        }
        if (instance != null && !instance.isEmpty()) {
            out.put("instance", instance);
        }
        options.externalLabels().forEach((n, v) -> out.putIfAbsent(n, v));
        if (withScope && scopeLabels != null) {
            out.putAll(scopeLabels);
        }
        // --enable-feature=type-and-unit-labels: the family's type and unit as __type__ and __unit__.
        if (options.typeAndUnitLabels() && metadata != null) {
            if (metadata.type() != MetricType.UNKNOWN) {
                out.put("__type__", metadata.type().text());
            }
            if (!metadata.unit().isEmpty()) {
                out.put("__unit__", labelRules.utf8() ? metadata.unit() : Names.unit(metadata.unit()));
            }
        }
        for (int i = 0; i + 1 < extras.length; i += 2) {
            String name = extras[i];
            if (name.length() <= 4 || !name.startsWith("__") || !name.endsWith("__")) {
                name = labelName(name);
            }
            putLabel(out, name, extras[i + 1]);
        }
        Labels.Builder b = Labels.builder();
        out.forEach(b::set);
        return b.build();
    }

    /** Prometheus's warning for attribute keys that sanitize to one label name, once per name and request. */
    private void collision(Set<String> keys, String label, String source) throws Names.InvalidName {
        if (!collisions.add(label)) {
            return;
        }
        List<String> colliding = new ArrayList<>();
        for (String k : keys) {
            if (labelName(k).equals(label)) {
                colliding.add("\"" + k + "\"");
            }
        }
        warnings.add(new Translator.Warning("label_name_collision", "OTLP " + source + " attributes " + String.join(", ", colliding)
                + " collide as label \"" + label + "\" after name sanitization, values are concatenated with ';'"));
    }
}
