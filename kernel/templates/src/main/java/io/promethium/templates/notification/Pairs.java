package io.promethium.templates.notification;

import io.promethium.templates.TemplateValue;
import java.util.AbstractList;
import java.util.List;

/** A sorted list of label pairs with {@code .Names} and {@code .Values}. */
public final class Pairs extends AbstractList<Pair> implements TemplateValue {

    private final List<Pair> pairs;

    Pairs(List<Pair> pairs) {
        this.pairs = List.copyOf(pairs);
    }

    @Override
    public Pair get(int index) {
        return pairs.get(index);
    }

    @Override
    public int size() {
        return pairs.size();
    }

    public List<String> names() {
        return pairs.stream().map(Pair::name).toList();
    }

    public List<String> values() {
        return pairs.stream().map(Pair::value).toList();
    }

    @Override
    public Object field(String name) {
        return switch (name) {
            case "Names" -> names();
            case "Values" -> values();
            default -> NO_FIELD;
        };
    }

    /** Alertmanager's {@code Pairs.String}: {@code name=value, name=value}. */
    @Override
    public String stringer() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(get(i).name()).append('=').append(get(i).value());
        }
        return b.toString();
    }

    @Override
    public String typeName() {
        return "template.Pairs";
    }
}
