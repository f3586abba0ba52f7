package io.promethium.discovery.file.internal;

/** A target file that cannot be read or does not follow the target file format; names the file and place. */
final class TargetFileException extends Exception {
    private static final long serialVersionUID = 1L;

    TargetFileException(String message) {
        super(message);
    }
}
