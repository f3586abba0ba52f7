package io.promethium.config.yaml;

/** A position in a source file; lines and columns count from 1. */
public record Location(String file, int line, int column) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
