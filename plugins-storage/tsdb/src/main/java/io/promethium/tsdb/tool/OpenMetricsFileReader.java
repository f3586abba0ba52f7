package io.promethium.tsdb.tool;

import static java.util.Objects.requireNonNull;

import io.promethium.api.model.Labels;
import io.promethium.exposition.ExpositionException;
import io.promethium.exposition.ExpositionFormat;
import io.promethium.exposition.ExpositionParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;

/**
 * Reads an OpenMetrics text file for backfill with the shared exposition parser (the same checks
 * as a scrape, lenient as Prometheus): {@code # EOF} is required, every sample needs a timestamp
 * (seconds in the file, milliseconds here), exemplars are ignored. Errors name file and line.
 * The file is read in pieces of whole lines (about {@link #PIECE_BYTES} each, one reused buffer),
 * each parsed on its own with a {@code # EOF} added after all but the last, so memory does not
 * grow with the file: the lenient parser checks lines, not families, so the pieces parse as the
 * whole file would (a real {@code # EOF} before the end still fails as "text after # EOF").
 */
final class OpenMetricsFileReader {
    static final int PIECE_BYTES = 8 << 20;
    private static final byte[] EOF_LINE = "# EOF\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Receives each sample. */
    interface Sink {
        void sample(Labels labels, long timestampMillis, double value) throws IOException;
    }

    private final Path file;
    private final int pieceBytes;

    OpenMetricsFileReader(Path file) {
        this(file, PIECE_BYTES);
    }

    OpenMetricsFileReader(Path file, int pieceBytes) {
        this.file = requireNonNull(file, "file is null");
        this.pieceBytes = pieceBytes;
    }

    /** Reads the whole file; returns the number of samples. */
    long read(Sink sink) throws IOException {
        long n = 0;
        long lineOffset = 0;
        byte[] buf = new byte[pieceBytes + EOF_LINE.length];
        int have = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            boolean atEnd = false;
            while (true) {
                int room = buf.length - EOF_LINE.length;
                while (!atEnd && have < room) {
                    int r = ch.read(ByteBuffer.wrap(buf, have, room - have));
                    if (r < 0) {
                        atEnd = true;
                    } else {
                        have += r;
                    }
                }
                if (atEnd) {
                    return n + parse(buf, have, lineOffset, sink);
                }
                int cut = lastNewline(buf, have) + 1;
                if (cut == 0) {
                    // A line longer than the buffer: grow it.
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                    continue;
                }
                byte[] rest = java.util.Arrays.copyOfRange(buf, cut, have);
                System.arraycopy(EOF_LINE, 0, buf, cut, EOF_LINE.length);
                n += parse(buf, cut + EOF_LINE.length, lineOffset, sink);
                lineOffset += countLines(buf, cut);
                System.arraycopy(rest, 0, buf, 0, rest.length);
                have = rest.length;
            }
        }
    }

    private long parse(byte[] bytes, int length, long lineOffset, Sink sink) throws IOException {
        ExpositionParser parser = ExpositionFormat.OPENMETRICS_TEXT_1_0_0.newParser(bytes, 0, length);
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
                    throw new IOException(file + ":" + (lineOffset + parser.lineNumber()) + ": sample without timestamp cannot be backfilled");
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
            throw new IOException(file + ":" + (lineOffset + e.line()) + ": " + withoutLinePrefix(e), e);
        }
        return n;
    }

    private static int lastNewline(byte[] b, int end) {
        for (int i = end - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static long countLines(byte[] b, int end) {
        long n = 0;
        for (int i = 0; i < end; i++) {
            if (b[i] == '\n') {
                n++;
            }
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
