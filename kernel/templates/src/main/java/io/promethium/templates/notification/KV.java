package io.promethium.templates.notification;

import io.promethium.templates.TemplateException;
import io.promethium.templates.TemplateValue;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Alertmanager's {@code template.KV}: a label or annotation map that templates index
 * ({@code .CommonLabels.job}) and call methods on: {@code SortedPairs}, {@code Names},
 * {@code Values}, {@code Remove}. Immutable; iterates in name order.
 */
public final class KV extends AbstractMap<String, String> implements TemplateValue {

    private final TreeMap<String, String> map;

    public KV(Map<String, String> map) {
        this.map = new TreeMap<>(map);
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return java.util.Collections.unmodifiableMap(map).entrySet();
    }

    @Override
    public String get(Object key) {
        return map.get(key);
    }

    /** Pairs sorted by name, as {@code SortedPairs} (Alertmanager puts alertname first). */
    public Pairs sortedPairs() {
        List<Pair> pairs = new ArrayList<>();
        String alertname = map.get("alertname");
        if (alertname != null) {
            pairs.add(new Pair("alertname", alertname));
        }
        map.forEach((k, v) -> {
            if (!k.equals("alertname")) {
                pairs.add(new Pair(k, v));
            }
        });
        return new Pairs(pairs);
    }

    public List<String> names() {
        return sortedPairs().names();
    }

    public List<String> values() {
        return sortedPairs().values();
    }

    /** A copy without the given names. */
    public KV remove(Collection<String> names) {
        Set<String> drop = new HashSet<>(names);
        TreeMap<String, String> copy = new TreeMap<>(map);
        copy.keySet().removeAll(drop);
        return new KV(copy);
    }

    @Override
    public Object field(String name) {
        return switch (name) {
            case "SortedPairs" -> sortedPairs();
            case "Names" -> names();
            case "Values" -> values();
            default -> {
                String v = map.get(name);
                // missingkey=zero on a map[string]string
                yield v == null ? "" : v;
            }
        };
    }

    @Override
    public Object call(String method, List<Object> args) throws TemplateException {
        if (method.equals("Remove") && args.size() == 1 && args.get(0) instanceof List<?> list) {
            List<String> names = new ArrayList<>();
            for (Object o : list) {
                names.add(String.valueOf(o));
            }
            return remove(names);
        }
        return TemplateValue.super.call(method, args);
    }

    @Override
    public String typeName() {
        return "template.KV";
    }
}
