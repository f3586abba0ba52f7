package io.promethium.otlp;

/** {@code otlp.translation_strategy}: whether names are escaped to the legacy charset and get unit/type suffixes. */
enum TranslationStrategy {
    UnderscoreEscapingWithSuffixes(true, true),
    UnderscoreEscapingWithoutSuffixes(true, false),
    NoUTF8EscapingWithSuffixes(false, true),
    NoTranslation(false, false);

    private final boolean escape;
    private final boolean suffixes;

    TranslationStrategy(boolean escape, boolean suffixes) {
        this.escape = escape;
        this.suffixes = suffixes;
    }

    boolean escape() {
        return escape;
    }

    boolean suffixes() {
        return suffixes;
    }
}
