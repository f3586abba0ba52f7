package io.promethium.rules.tool;

import io.promethium.promql.engine.EngineOptions;
import io.promethium.promql.parser.ParserOptions;
import java.util.HashSet;
import java.util.Set;

/**
 * What promtool 3's {@code --enable-feature} names do to the rule tools: the PromQL syntax the
 * rule files (and the unit tests' expressions) may use, and the engine features of a unit test's
 * evaluation. Duration expressions are always allowed, as promtool's parser allows them
 * ({@code promql-duration-expr} is a no-op there).
 *
 * @param parser how rule expressions are parsed
 * @param engine the {@link EngineOptions} features of {@code test rules}' engine
 */
record PromtoolFeatures(ParserOptions parser, Set<String> engine) {

    PromtoolFeatures {
        engine = Set.copyOf(engine);
    }

    /** The effect of the feature names given ({@code CommandLine.features()}); names that are not promtool's are ignored. */
    static PromtoolFeatures of(Set<String> names) {
        Set<String> engine = new HashSet<>();
        engine.add(EngineOptions.DURATION_EXPR);
        for (String name : Set.of(EngineOptions.EXPERIMENTAL_FUNCTIONS, EngineOptions.EXTENDED_RANGE_SELECTORS,
                EngineOptions.FILL_MODIFIERS, EngineOptions.DELAYED_NAME_REMOVAL)) {
            if (names.contains(name)) {
                engine.add(name);
            }
        }
        return new PromtoolFeatures(ParserOptions.promtool(names), engine);
    }
}
