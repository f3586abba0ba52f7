package io.promethium.tsdb.tool;

import static java.util.Objects.requireNonNull;

import io.promethium.api.model.Labels;
import io.promethium.exposition.ExpositionException;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an OpenMetrics text file for backfill with the shared exposition parser (the same checks
 * as a scrape, lenient as Prometheus): {@code # EOF} is required, every sample needs a timestamp
 * (seconds in the file, milliseconds here), exemplars are ignored. Errors name file and line.
 */
final class OpenMetricsFileReader {
    /** The largest file read in one piece (a Java array's limit). */
    static final long MAX_BYTES = Integer.MAX_VALUE - 16;

    /** Receives each sample. */
    interface Sink {
        void sample(Labels labels, long timestampMillis, double value) throws IOException;
    }

    private final Path file;

    OpenMetricsFileReader(Path file) {
        this.file = requireNonNull(file, "file is null");
    }

    /** Reads the whole file; returns the number of samples. */
    long read(Sink sink) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new IOException(file + ": " + size + " bytes is too large to backfill in one run (at most " + MAX_BYTES
                    + "); split the file");
        }
        byte[] bytes = Files.readAllBytes(file);
        ExpositionParser parser = ExpositionFormat.OPENMETRICS_TEXT_1_0_0.newParser(bytes, 0, bytes.length);
        // Consecutive samples of one series (the usual layout) share one Labels.
        byte[] buf = parser.buffer();
        int lastOff = -1;
        int lastLen = 0;
        Labels last = null;
        long n = 0;
        try {
            ExpositionParser.Entry entry;
            while ((entry = parser.next()) != ExpositionParser.Entry.EOF) {
                if (entry != ExpositionParser.Entry.SERIES) {
                    continue;
                }
                if (!parser.hasTimestamp()) {
                    throw new IOException(file + ":" + parser.lineNumber() + ": sample without timestamp cannot be backfilled");
                }
                int off = parser.seriesOffset();
                int len = parser.seriesLength();
                if (last == null || !java.util.Arrays.equals(buf, off, off + len, buf, lastOff, lastOff + lastLen)) {
                    Labels.Builder b = Labels.builder();
                    parser.labels(b);
                    last = b.build();
                    lastOff = off;
                    lastLen = len;
                }
                sink.sample(last, parser.timestamp(), parser.value());
                n++;
            }
        } catch (ExpositionException e) {
            throw new IOException(file + ":" + e.line() + ": " + withoutLinePrefix(e), e);
        }
        return n;
    }

    /** The parser's message starts with "line N: "; the file:line prefix replaces it. */
    private static String withoutLinePrefix(ExpositionException e) {
        String message = e.getMessage();
        String prefix = "line " + e.line() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
