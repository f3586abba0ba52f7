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

    @Override
    public String typeName() {
        return "template.Pairs";
    }
}
