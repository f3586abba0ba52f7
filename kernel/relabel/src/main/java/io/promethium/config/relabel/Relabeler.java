package io.promethium.config.relabel;

import io.promethium.api.model.Labels;
import io.promethium.config.model.RelabelAction;
import io.promethium.config.model.RelabelConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;

/**
 * Applies relabel steps in order, with Prometheus's semantics. Immutable and thread-safe; one
 * instance serves every target of a scrape pool.
 */
public final class Relabeler {

    /** The empty step list: {@link #process} returns its input. */
    public static final Relabeler NONE = new Relabeler(List.of());

    private final List<RelabelConfig> steps;
    private final Map<String, Integer>[] namedGroups;

    @SuppressWarnings("unchecked")
    public Relabeler(List<RelabelConfig> steps) {
        this.steps = List.copyOf(Objects.requireNonNull(steps, "steps is null"));
        this.namedGroups = new Map[this.steps.size()];
        for (int i = 0; i < this.steps.size(); i++) {
            namedGroups[i] = this.steps.get(i).regex().namedGroups();
        }
    }

    public boolean isEmpty() {
        return steps.isEmpty();
    }

    public List<RelabelConfig> steps() {
        return steps;
    }

    /** The relabeled labels, or {@code null} when a step drops them. */
    public Labels process(Labels labels) {
        Objects.requireNonNull(labels, "labels is null");
        if (steps.isEmpty()) {
            return labels;
        }
        Labels.Builder builder = labels.toBuilder();
        return process(builder) ? builder.build() : null;
    }

    /** Relabels {@code builder} in place; false when a step drops the label set. */
    public boolean process(Labels.Builder builder) {
        for (int i = 0; i < steps.size(); i++) {
            if (!apply(steps.get(i), namedGroups[i], builder)) {
                return false;
            }
        }
        return true;
    }

    private static boolean apply(RelabelConfig step, Map<String, Integer> named, Labels.Builder lb) {
        String value = sourceValue(step, lb);
        switch (step.action()) {
            case DROP -> {
                return !step.regex().matcher(value).matches();
            }
            case KEEP -> {
                return step.regex().matcher(value).matches();
            }
            case DROPEQUAL -> {
                return !lb.get(step.targetLabel()).equals(value);
            }
            case KEEPEQUAL -> {
                return lb.get(step.targetLabel()).equals(value);
            }
            case REPLACE -> replace(step, named, lb, value);
            case LOWERCASE -> lb.set(step.targetLabel(), value.toLowerCase(Locale.ROOT));
            case UPPERCASE -> lb.set(step.targetLabel(), value.toUpperCase(Locale.ROOT));
            case HASHMOD -> lb.set(step.targetLabel(), Long.toUnsignedString(HashMod.of(value, step.modulus())));
            case LABELMAP -> {
                Labels current = lb.build();
                for (int i = 0; i < current.size(); i++) {
                    Matcher m = step.regex().matcher(current.name(i));
                    if (m.matches()) {
                        String name = Expansion.expand(step.replacement(), m, named);
                        if (!name.isEmpty()) {
                            lb.set(name, current.value(i));
                        }
                    }
                }
            }
            case LABELDROP, LABELKEEP -> {
                boolean dropMatching = step.action() == RelabelAction.LABELDROP;
                Labels current = lb.build();
                for (int i = 0; i < current.size(); i++) {
                    if (step.regex().matcher(current.name(i)).matches() == dropMatching) {
                        lb.remove(current.name(i));
                    }
                }
            }
            default -> throw new IllegalStateException("unhandled relabel action " + step.action());
        }
        return true;
    }

    private static void replace(RelabelConfig step, Map<String, Integer> named, Labels.Builder lb, String value) {
        Matcher m = step.regex().matcher(value);
        if (!m.matches()) {
            return;
        }
        String target = Expansion.expand(step.targetLabel(), m, named);
        if (target.isEmpty()) {
            // Not a valid label name: Prometheus skips the step.
            return;
        }
        lb.set(target, Expansion.expand(step.replacement(), m, named));
    }

    /** The source label values joined by the separator; absent labels count as empty. */
    private static String sourceValue(RelabelConfig step, Labels.Builder lb) {
        List<String> sources = step.sourceLabels();
        if (sources.isEmpty()) {
            return "";
        }
        if (sources.size() == 1) {
            return lb.get(sources.get(0));
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sources.size(); i++) {
            if (i > 0) {
                sb.append(step.separator());
            }
            sb.append(lb.get(sources.get(i)));
        }
        return sb.toString();
    }
}
