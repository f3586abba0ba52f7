package io.promethium.rules.internal.file;

import java.util.List;

/** Rule files that do not validate; each error names file, line, group and rule. */
public final class RuleFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<String> errors;

    public RuleFileException(List<String> errors) {
        super(String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
