package io.promethium.config.internal;

/**
 * Label name and value rules of Prometheus 3 (UTF-8 name validation, its default): a name is any
 * non-empty valid Unicode text, a value any valid Unicode text. Java strings hold UTF-16, so
 * "valid" means no unpaired surrogate (the file itself is read as strict UTF-8).
 */
final class LabelNames {

    private LabelNames() {
    }

    static boolean isValidName(String name) {
        return !name.isEmpty() && isValidText(name);
    }

    static boolean isValidText(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
