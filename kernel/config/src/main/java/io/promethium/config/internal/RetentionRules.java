package io.promethium.config.internal;

import io.promethium.api.config.ConfigException;
import io.promethium.api.model.Matcher;
import io.promethium.config.model.StorageConfig.RetentionRule;
import io.promethium.config.yaml.YamlNode;
import io.promethium.promql.parser.ParseException;
import io.promethium.promql.parser.PromQLParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code storage.tsdb.retention_rules}: an ordered list of {@code {selector, retention}} mappings
 * (Promethium's own key; Prometheus has no per-series retention). Each selector is a PromQL series
 * selector with at least one matcher that does not match the empty string, as the HTTP API's
 * {@code match[]} (the parser checks that); each retention a positive Prometheus duration. Errors carry file:line:col.
 */
final class RetentionRules {
    static final String KEY = "retention_rules";

    private RetentionRules() {
    }

    static List<RetentionRule> parse(Fields tsdb) throws ConfigException {
        List<RetentionRule> rules = new ArrayList<>();
        List<YamlNode> items = tsdb.list(KEY);
        for (int i = 0; i < items.size(); i++) {
            YamlNode item = items.get(i);
            String context = "storage.tsdb." + KEY + "[" + i + "]";
            Fields f = Fields.of(item, context);
            if (!f.has("selector")) {
                throw Fields.error(f.location(), context + ": selector is required");
            }
            if (!f.has("retention")) {
                throw Fields.error(f.location(), context + ": retention is required");
            }
            YamlNode selectorNode = f.mapping().get("selector");
            String selector = f.string("selector", "").trim();
            List<String> flat = new ArrayList<>();
            try {
                // The parser refuses a selector whose matchers all match the empty string, as match[] does.
                for (Matcher m : PromQLParser.parseMetricSelector(selector)) {
                    flat.add(m.name());
                    flat.add(m.type().operator());
                    flat.add(m.value());
                }
            } catch (ParseException | IllegalArgumentException e) {
                throw Fields.error(selectorNode.location(), context + ": selector: " + e.getMessage());
            }
            Duration retention = f.duration("retention", Duration.ZERO);
            if (retention.isZero() || retention.isNegative()) {
                throw Fields.error(f.keyLocation("retention"), context + ": retention must be positive, got "
                        + io.promethium.api.config.Durations.format(retention));
            }
            f.finish();
            rules.add(new RetentionRule(selector, flat, retention));
        }
        return List.copyOf(rules);
    }
}
