package io.promethium.exposition;

/**
 * A page that does not follow its exposition format. The message names the line and what is
 * wrong with it; the scrape that produced the page fails, nothing else.
 */
public final class ExpositionException extends Exception {

    private final int line;

    public ExpositionException(int line, String message) {
        super("line " + line + ": " + message);
        this.line = line;
    }

    /** The 1-based line number the error was found on, or 0 when it concerns the whole page. */
    public int line() {
        return line;
    }
}
