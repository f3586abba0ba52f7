package io.promethium.exporter.node.internal;

import java.io.IOException;

/** The files a collector reads do not exist on this host: it reports failure and emits nothing, as node_exporter does. */
final class NoDataException extends IOException {
    private static final long serialVersionUID = 1L;

    NoDataException(String message) {
        super(message, null);
    }
}
