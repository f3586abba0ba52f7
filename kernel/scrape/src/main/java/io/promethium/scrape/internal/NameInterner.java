package io.promethium.scrape.internal;

import io.promethium.api.model.Labels;

/**
 * Makes a new series' label names and values the JVM's canonical strings ({@link String#intern()}).
 * The parser makes new strings for every series it has not seen; across a server's targets most
 * names and many values repeat ({@code __name__}, {@code cpu="0"}, {@code mode="idle"}, the job),
 * and the TSDB's head keeps the first string it meets for each: with canonical strings the head's
 * symbol table holds the very objects the scrape cache holds, and the head can keep the scrape's
 * label set itself instead of a copy. The JVM's table is weak, so strings no series uses any more
 * go with the next collection. Only used on a series-cache miss.
 */
final class NameInterner {

    private NameInterner() {
    }

    static Labels intern(Labels labels) {
        boolean canonical = true;
        for (int i = 0; i < labels.size() && canonical; i++) {
            canonical = labels.name(i).intern() == labels.name(i) && labels.value(i).intern() == labels.value(i);
        }
        if (canonical) {
            return labels;
        }
        Labels.Builder builder = Labels.builder();
        for (int i = 0; i < labels.size(); i++) {
            builder.set(labels.name(i).intern(), labels.value(i).intern());
        }
        return builder.build();
    }
}
