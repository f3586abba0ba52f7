package io.promethium.templates;

/**
 * Go's html/template error (error.go), thrown inside the escaping pass ({@link HtmlEscaper}) and
 * returned as its message: {@code loc} is a node's {@code name:line:col}, else {@code line}
 * (when not 0) follows the template's name.
 */
final class HtmlEscapeError extends Exception {
    final String loc;
    final int line;
    final String description;

    HtmlEscapeError(String loc, int line, String description) {
        super(description, null, false, false);
        this.loc = loc;
        this.line = line;
        this.description = description;
    }

    String message(String name) {
        if (loc != null) {
            return "html/template:" + loc + ": " + description;
        }
        if (line != 0) {
            return "html/template:" + name + ":" + line + ": " + description;
        }
        return "html/template:" + name + ": " + description;
    }
}
